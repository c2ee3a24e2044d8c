package org.lorastudio.config;

/**
 * Learning-rate schedules, named as in diffusers' {@code get_scheduler}; the schedule itself is a pure function in
 * the trainer.
 */
public enum LrScheduler implements ConfigEnum {
    CONSTANT("constant", "the same rate for every step (warmup steps are ignored)"),
    CONSTANT_WITH_WARMUP("constant_with_warmup", "linear rise over lr_warmup_steps, then constant"),
    LINEAR("linear", "warmup, then linear decay to 0 at the last step"),
    COSINE("cosine", "warmup, then half a cosine down to 0 at the last step"),
    COSINE_WITH_RESTARTS("cosine_with_restarts", "warmup, then cosine decay restarted a few times (hard restarts)");

    private final String yamlName;
    private final String description;

    LrScheduler(String yamlName, String description) {
        this.yamlName = yamlName;
        this.description = description;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    @Override
    public String description() {
        return description;
    }
}
