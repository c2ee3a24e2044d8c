package org.lorastudio.train;

/** What the UNet predicts ({@code prediction_type}, SPEC §4); SD 1.5 is {@link #EPSILON}. */
public enum PredictionType {
    EPSILON("epsilon"),
    V_PREDICTION("v_prediction");

    private final String configName;

    PredictionType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static PredictionType fromConfig(String value) {
        for (PredictionType t : values()) {
            if (t.configName.equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("prediction_type: unknown value '" + value
                + "', expected epsilon or v_prediction");
    }
}
