package org.lorastudio.config;

/** What the UNet predicts; SD 1.5 models are epsilon models, v_prediction is for SD 2.x-768-style checkpoints. */
public enum PredictionType implements ConfigEnum {
    EPSILON("epsilon", "the added noise (SD 1.5)"),
    V_PREDICTION("v_prediction", "the velocity v = sqrt(a)*noise - sqrt(1-a)*x0 (SD 2.x 768 style)");

    private final String yamlName;
    private final String description;

    PredictionType(String yamlName, String description) {
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
