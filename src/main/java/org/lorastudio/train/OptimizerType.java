package org.lorastudio.train;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The optimizers of SPEC §4 ({@code optimizer}). */
public enum OptimizerType {
    ADAMW("adamw"),
    LION("lion"),
    SGD("sgd");

    private final String configName;

    OptimizerType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Parses a config value; the error lists every allowed value. */
    public static OptimizerType fromConfig(String value) {
        for (OptimizerType t : values()) {
            if (t.configName.equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("optimizer: unknown value '" + value + "', expected one of "
                + Arrays.stream(values()).map(OptimizerType::configName).collect(Collectors.joining(", ")));
    }
}
