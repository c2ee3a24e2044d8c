package org.lorastudio.config;

/** Compute precision of the forward and backward pass; LoRA weights and optimizer state stay in fp32. */
public enum MixedPrecision implements ConfigEnum {
    NO("no", "full fp32 (slowest, most memory, always works; the only choice on CPU)"),
    FP16("fp16", "half precision with loss scaling (CUDA only)"),
    BF16("bf16", "bfloat16 (accepted in configs; the current trainer refuses it with an explanation)");

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
