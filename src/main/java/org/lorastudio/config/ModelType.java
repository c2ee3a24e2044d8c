package org.lorastudio.config;

/** Which trainer a config is for: an SD 1.5-family image model or a LLaMA-family causal language model (SPEC §4). */
public enum ModelType implements ConfigEnum {
    SD15("sd15", "Stable Diffusion 1.5-family image model (UNet + CLIP text encoder + VAE)"),
    LLM("llm", "LLaMA-family causal language model in Hugging Face format");

    private final String yamlName;
    private final String description;

    ModelType(String yamlName, String description) {
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
