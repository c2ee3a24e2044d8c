package org.lorastudio.train;

/** Plain-language advice shown when a run fails (SPEC §11). */
public final class Advice {
    /** SPEC §11's order for out-of-memory. */
    public static final String OUT_OF_MEMORY = "Try, in this order: batch_size 4 → 2 or 1; lora_rank down to 4–8;"
            + " gradient_checkpointing: true; resolution 512 (or lower); close other programs using the GPU.";

    /** What to check when the loss turns NaN or infinite. */
    public static final String NAN_LOSS = "Lower learning_rate (e.g. 1e-4), keep max_grad_norm at 1.0, use"
            + " mixed_precision: no if fp16 was on, and check the images (a corrupt or all-black image can cause"
            + " this). Resume from the last checkpoint after changing the config by forking the run.";

    private Advice() {
    }
}
