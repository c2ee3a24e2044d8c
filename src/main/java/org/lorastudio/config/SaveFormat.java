package org.lorastudio.config;

/** Key layout of the saved image LoRA (SPEC §6; language-model LoRAs are always PEFT adapter folders). */
public enum SaveFormat implements ConfigEnum {
    KOHYA("kohya", "kohya / A1111 keys (lora_unet_..., lora_te_...) with ss_* metadata;"
            + " works in A1111, Forge, ComfyUI"),
    DIFFUSERS("diffusers", "diffusers / PEFT keys (unet.<module>.lora_A.weight)");

    private final String yamlName;
    private final String description;

    SaveFormat(String yamlName, String description) {
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
