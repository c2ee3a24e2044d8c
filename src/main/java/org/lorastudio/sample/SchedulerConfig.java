package org.lorastudio.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.util.UserException;

/**
 * The noise-schedule settings of a diffusers {@code scheduler/scheduler_config.json} (the fields shared by
 * {@code DDIMScheduler}, {@code DDPMScheduler} and {@code EulerAncestralDiscreteScheduler}, diffusers 0.26).
 *
 * <p>Keys missing from a file take the Stable Diffusion 1.5 values ({@link #sd15()}), not the diffusers class
 * defaults, because every SD1.x checkpoint is trained with those.
 *
 * @param numTrainTimesteps  T, the number of training timesteps (1000)
 * @param betaStart          β at t = 0 (0.00085)
 * @param betaEnd            β at t = T − 1 (0.012)
 * @param betaSchedule       how β grows between the two ends
 * @param predictionType     what the network predicts
 * @param stepsOffset        added to every inference timestep with "leading" spacing (1 for SD1.5)
 * @param setAlphaToOne      DDIM: ᾱ of the step before t = 0 is 1 (true) or ᾱ_0 (false, SD1.5)
 * @param timestepSpacing    how inference timesteps are spread over [0, T)
 * @param clipSample         clamp the predicted x̂0 to ±{@code clipSampleRange} (DDIM/DDPM)
 * @param clipSampleRange    the clamp bound (1.0)
 */
public record SchedulerConfig(int numTrainTimesteps, double betaStart, double betaEnd, BetaSchedule betaSchedule,
                              PredictionType predictionType, int stepsOffset, boolean setAlphaToOne,
                              TimestepSpacing timestepSpacing, boolean clipSample, double clipSampleRange) {

    /** β schedule ({@code beta_schedule}). */
    public enum BetaSchedule {
        /** β_t = linspace(√β_start, √β_end, T)[t]² (SD "scaled_linear"). */
        SCALED_LINEAR("scaled_linear"),
        /** β_t = linspace(β_start, β_end, T)[t]. */
        LINEAR("linear");

        private final String jsonName;

        BetaSchedule(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** What the denoising network outputs ({@code prediction_type}). */
    public enum PredictionType {
        /** The added noise ε (SD1.5). */
        EPSILON("epsilon"),
        /** v = √ᾱ·ε − √(1−ᾱ)·x0 (SD2-768). */
        V_PREDICTION("v_prediction");

        private final String jsonName;

        PredictionType(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** How inference timesteps are chosen ({@code timestep_spacing}; table 2 of arXiv:2305.08891). */
    public enum TimestepSpacing {
        /** k·(T//N) for k = N−1 … 0, plus steps_offset (SD1.5: 901, 801, …, 1 for N = 10). */
        LEADING("leading"),
        /** round(linspace(0, T−1, N)) reversed (floats for Euler). */
        LINSPACE("linspace"),
        /** round(arange(T, 0, −T/N)) − 1 (always includes T − 1). */
        TRAILING("trailing");

        private final String jsonName;

        TimestepSpacing(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** Keys that only matter for features that stay switched off; accepted when they hold the "off" value. */
    private static final Map<String, Object> OFF_VALUES = Map.of(
            "thresholding", false,
            "rescale_betas_zero_snr", false,
            "use_karras_sigmas", false,
            "interpolation_type", "linear",
            "variance_type", "fixed_small",
            "timestep_type", "discrete");

    public SchedulerConfig {
        List<String> problems = new ArrayList<>();
        if (numTrainTimesteps < 2 || numTrainTimesteps > 100_000) {
            problems.add("num_train_timesteps must be 2..100000, found " + numTrainTimesteps);
        }
        if (!(betaStart > 0 && betaStart < 1) || !(betaEnd > 0 && betaEnd < 1) || !(betaStart <= betaEnd)) {
            problems.add("beta_start and beta_end must satisfy 0 < beta_start <= beta_end < 1, found "
                    + betaStart + " and " + betaEnd);
        }
        if (stepsOffset < 0 || stepsOffset >= numTrainTimesteps) {
            problems.add("steps_offset must be 0.." + (numTrainTimesteps - 1) + ", found " + stepsOffset);
        }
        if (!(clipSampleRange > 0)) {
            problems.add("clip_sample_range must be > 0, found " + clipSampleRange);
        }
        if (betaSchedule == null || predictionType == null || timestepSpacing == null) {
            problems.add("beta_schedule, prediction_type and timestep_spacing must be set");
        }
        if (!problems.isEmpty()) {
            throw new UserException("Invalid scheduler config: " + String.join("; ", problems));
        }
    }

    /** The scheduler of runwayml/stable-diffusion-v1-5 (DDIM settings of its {@code scheduler_config.json}). */
    public static SchedulerConfig sd15() {
        return new SchedulerConfig(1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR, PredictionType.EPSILON, 1,
                false, TimestepSpacing.LEADING, false, 1.0);
    }

    /** The same settings with another timestep spacing (e.g. "linspace" for Euler ancestral). */
    public SchedulerConfig withTimestepSpacing(TimestepSpacing spacing) {
        return new SchedulerConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, predictionType, stepsOffset,
                setAlphaToOne, spacing, clipSample, clipSampleRange);
    }

    /** The same settings with another prediction type. */
    public SchedulerConfig withPredictionType(PredictionType type) {
        return new SchedulerConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, type, stepsOffset,
                setAlphaToOne, timestepSpacing, clipSample, clipSampleRange);
    }

    /** A parsed file: the config and the keys that were present but play no part here. */
    public record Parsed(SchedulerConfig config, List<String> ignoredKeys) {
        public Parsed {
            ignoredKeys = List.copyOf(ignoredKeys);
        }
    }

    /** Reads a diffusers {@code scheduler_config.json}. */
    public static Parsed fromJson(Path file) {
        try {
            return fromJson(new ObjectMapper().readTree(Files.readString(file)), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading scheduler config " + file, e);
        }
    }

    /**
     * Parses a scheduler config object. Every unsupported value is collected and reported in one
     * {@link UserException}; keys starting with {@code _} (class name, version) and keys of other schedulers are
     * listed in {@link Parsed#ignoredKeys()}.
     */
    public static Parsed fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new UserException(source + ": expected a JSON object with scheduler settings");
        }
        SchedulerConfig d = sd15();
        List<String> problems = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        int numTrain = d.numTrainTimesteps;
        double betaStart = d.betaStart;
        double betaEnd = d.betaEnd;
        BetaSchedule schedule = d.betaSchedule;
        PredictionType prediction = d.predictionType;
        int stepsOffset = d.stepsOffset;
        boolean alphaToOne = d.setAlphaToOne;
        TimestepSpacing spacing = d.timestepSpacing;
        boolean clip = d.clipSample;
        double clipRange = d.clipSampleRange;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            switch (key) {
                case "num_train_timesteps" -> numTrain = intValue(v, key, numTrain, problems);
                case "beta_start" -> betaStart = doubleValue(v, key, betaStart, problems);
                case "beta_end" -> betaEnd = doubleValue(v, key, betaEnd, problems);
                case "beta_schedule" -> schedule = enumValue(v, key, BetaSchedule.values(), schedule,
                        BetaSchedule::jsonName, problems);
                case "prediction_type" -> prediction = enumValue(v, key, PredictionType.values(), prediction,
                        PredictionType::jsonName, problems);
                case "steps_offset" -> stepsOffset = intValue(v, key, stepsOffset, problems);
                case "set_alpha_to_one" -> alphaToOne = boolValue(v, key, alphaToOne, problems);
                case "timestep_spacing" -> spacing = enumValue(v, key, TimestepSpacing.values(), spacing,
                        TimestepSpacing::jsonName, problems);
                case "clip_sample" -> clip = boolValue(v, key, clip, problems);
                case "clip_sample_range" -> clipRange = doubleValue(v, key, clipRange, problems);
                default -> {
                    if (OFF_VALUES.containsKey(key)) {
                        Object off = OFF_VALUES.get(key);
                        boolean isOff = v.isNull() || (off instanceof Boolean b ? v.isBoolean() && v.asBoolean() == b
                                : v.isTextual() && v.asText().equals(off));
                        if (!isOff) {
                            problems.add(key + " = " + v + " is not supported (only " + off + ")");
                        } else {
                            ignored.add(key);
                        }
                    } else if (key.equals("trained_betas") && !v.isNull()) {
                        problems.add("trained_betas (an explicit beta list) is not supported; remove it or set null");
                    } else {
                        ignored.add(key);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new UserException(source + ": unsupported scheduler config: " + String.join("; ", problems));
        }
        try {
            return new Parsed(new SchedulerConfig(numTrain, betaStart, betaEnd, schedule, prediction, stepsOffset,
                    alphaToOne, spacing, clip, clipRange), ignored);
        } catch (UserException e) {
            throw new UserException(source + ": " + e.getMessage(), e);
        }
    }

    private static int intValue(JsonNode v, String key, int fallback, List<String> problems) {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        problems.add(key + " must be an integer, found " + v);
        return fallback;
    }

    private static double doubleValue(JsonNode v, String key, double fallback, List<String> problems) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        problems.add(key + " must be a number, found " + v);
        return fallback;
    }

    private static boolean boolValue(JsonNode v, String key, boolean fallback, List<String> problems) {
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        problems.add(key + " must be true or false, found " + v);
        return fallback;
    }

    private static <E extends Enum<E>> E enumValue(JsonNode v, String key, E[] values, E fallback,
                                                   java.util.function.Function<E, String> name,
                                                   List<String> problems) {
        List<String> names = new ArrayList<>();
        for (E e : values) {
            names.add(name.apply(e));
            if (v.isTextual() && v.asText().equals(name.apply(e))) {
                return e;
            }
        }
        problems.add(key + " = " + v + " is not supported (expected one of " + String.join(", ", names) + ")");
        return fallback;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SchedulerConfig[T=%d, betas %s %g..%g, %s, %s spacing, offset %d, "
                        + "set_alpha_to_one %s, clip_sample %s]", numTrainTimesteps, betaSchedule.jsonName(), betaStart,
                betaEnd, predictionType.jsonName(), timestepSpacing.jsonName(), stepsOffset, setAlphaToOne, clipSample);
    }
}
