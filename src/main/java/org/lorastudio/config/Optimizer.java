package org.lorastudio.config;

/**
 * Optimizers the trainer implements; each reads {@code weight_decay} and, where it has them, the Adam betas and
 * epsilon.
 */
public enum Optimizer implements ConfigEnum {
    ADAMW("adamw", "AdamW with decoupled weight decay (uses adam_beta1, adam_beta2, adam_epsilon)"),
    LION("lion", "Lion (sign of the momentum; use a 3-10x smaller learning rate than AdamW;"
            + " adam_beta1/2 are its betas)"),
    SGD("sgd", "plain SGD with weight decay (no momentum)");

    private final String yamlName;
    private final String description;

    Optimizer(String yamlName, String description) {
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
