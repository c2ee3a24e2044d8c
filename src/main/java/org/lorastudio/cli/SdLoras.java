package org.lorastudio.cli;

import java.io.IOException;
import java.nio.file.Path;

import ai.djl.ndarray.NDManager;
import org.lorastudio.lora.LoraFile;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.lora.LoraTargets;
import org.lorastudio.model.sd.StableDiffusion;

/** LoRA files on a loaded Stable Diffusion model, for the commands that generate (generate, demo measure, runs). */
public final class SdLoras {
    private SdLoras() {
    }

    /** Reads a LoRA file (kohya, diffusers or PEFT layout) and attaches it to the UNet and text encoder, at 1. */
    public static LoraNetwork attach(StableDiffusion sd, NDManager manager, Path file) throws IOException {
        LoraFile lora = LoraFile.read(file);
        java.util.Map<String, org.lorastudio.nn.AdaptableLayer> layers = new java.util.LinkedHashMap<>();
        layers.putAll(LoraTargets.byKohyaName(sd.unet(), LoraTargets.UNET));
        layers.putAll(LoraTargets.byKohyaName(sd.textEncoder(), LoraTargets.TEXT_ENCODER));
        LoraNetwork net = LoraNetwork.fromFile(lora, layers, manager);
        net.attach();
        return net;
    }
}
