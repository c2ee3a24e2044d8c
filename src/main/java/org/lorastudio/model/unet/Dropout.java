package org.lorastudio.model.unet;

import org.lorastudio.nn.Module;

/**
 * torch {@code nn.Dropout} placeholder: holds no weights and only keeps the reference indices of the modules after
 * it ({@code ff.net.2}, {@code to_out.0}). Configurations with a non-zero dropout are rejected, so it is the
 * identity. (Kept in this package because the shared {@code nn} package has no Dropout.)
 */
final class Dropout extends Module {
}
