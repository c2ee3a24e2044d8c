package org.lorastudio.config;

/** Samplers for sample images during training and for {@code generate} (SPEC §8). */
public enum Sampler implements ConfigEnum {
    DDIM("ddim", "DDIM, deterministic (eta = 0)"),
    EULER_A("euler_a", "Euler ancestral (adds fresh noise each step)"),
    DDPM("ddpm", "DDPM ancestral sampling (needs many steps)");

    private final String yamlName;
    private final String description;

    Sampler(String yamlName, String description) {
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
