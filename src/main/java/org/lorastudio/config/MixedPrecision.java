package org.lorastudio.config;

/** Compute precision of the forward and backward pass; LoRA weights and optimizer state stay in fp32. */
public enum MixedPrecision implements ConfigEnum {
    NO("no", "full fp32 (most memory, always works; the fastest choice on CPU)"),
    FP16("fp16", "fp16 base model, fp32 LoRA and optimizer, dynamic loss scaling (for GPUs; works on CPU but"
            + " 3-6x slower)"),
    BF16("bf16", "bfloat16 (accepted in configs; refused at the start of a run: DJL 0.36 aborts on bfloat16)");

    private final String yamlName;
    private final String description;

    MixedPrecision(String yamlName, String description) {
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
