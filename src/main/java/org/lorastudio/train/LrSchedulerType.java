package org.lorastudio.train;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The learning-rate schedules of SPEC §4 ({@code lr_scheduler}), with the names diffusers' {@code get_scheduler}
 * and kohya use.
 */
public enum LrSchedulerType {
    CONSTANT("constant"),
    CONSTANT_WITH_WARMUP("constant_with_warmup"),
    LINEAR("linear"),
    COSINE("cosine"),
    COSINE_WITH_RESTARTS("cosine_with_restarts");

    private final String configName;

    LrSchedulerType(String configName) {
        this.configName = configName;
    }

    /** The value written in the YAML config, e.g. {@code cosine_with_restarts}. */
    public String configName() {
        return configName;
    }

    /** Parses a config value; the error lists every allowed value. */
    public static LrSchedulerType fromConfig(String value) {
        for (LrSchedulerType t : values()) {
            if (t.configName.equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("lr_scheduler: unknown value '" + value + "', expected one of "
                + Arrays.stream(values()).map(LrSchedulerType::configName).collect(Collectors.joining(", ")));
    }
}
