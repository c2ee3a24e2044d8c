package org.lorastudio.config;

/** Precision of the tensors in the saved LoRA file; fp16 halves the file and is what WebUIs expect. */
public enum SavePrecision implements ConfigEnum {
    FP16("fp16", "half precision (smaller file, the usual choice)"),
    FP32("fp32", "full precision");

    private final String yamlName;
    private final String description;

    SavePrecision(String yamlName, String description) {
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
