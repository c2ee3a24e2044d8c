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

    /**
     * {@link #NAN_LOSS} with what the numerical self-check said on this device: when it passed, the CPU's math is
     * ruled out; when it was skipped, it is the first suspect.
     */
    public static String nanLoss(java.util.Optional<org.lorastudio.train.SelfCheck.Report> selfCheck) {
        if (selfCheck.isEmpty()) {
            return NAN_LOSS + " The numerical self-check did not run in this process: `lorastudio doctor` runs it.";
        }
        org.lorastudio.train.SelfCheck.Report r = selfCheck.get();
        if (r.skipped()) {
            return "The numerical self-check was skipped (" + org.lorastudio.train.SelfCheck.SKIP_ENV
                    + "=1), so a math fault of this CPU is the first suspect: unset it and run `lorastudio doctor`."
                    + " Otherwise: " + NAN_LOSS;
        }
        if (!r.passed()) {
            return "The numerical self-check failed on this machine (" + r.summary() + "): the math library gives"
                    + " wrong results here, not your config; `lorastudio doctor` has the details.";
        }
        return NAN_LOSS + " (The numerical self-check passed on this machine, so its math is not the cause.)";
    }
}
