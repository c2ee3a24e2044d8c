package org.lorastudio.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves values between {@link ConfigFields} keys and {@link TrainingConfig}'s components. The record's components
 * are named after the keys ({@code lora_rank} ↔ {@code loraRank}), so one generic mapping replaces a hand-written
 * 57-argument constructor call that would have to be kept in step with the registry by hand.
 */
final class ConfigRecords {
    private static final RecordComponent[] COMPONENTS = TrainingConfig.class.getRecordComponents();
    private static final Map<String, RecordComponent> BY_KEY = new HashMap<>();
    private static final Constructor<TrainingConfig> CANONICAL;

    static {
        Map<String, RecordComponent> byName = new HashMap<>();
        for (RecordComponent c : COMPONENTS) {
            byName.put(c.getName(), c);
        }
        for (ConfigField f : ConfigFields.all()) {
            RecordComponent c = byName.get(f.javaName());
            if (c == null || c.getType() != componentType(f)) {
                throw new IllegalStateException("TrainingConfig needs a component " + componentType(f).getSimpleName()
                        + " " + f.javaName() + " for key " + f.key());
            }
            BY_KEY.put(f.key(), c);
        }
        if (COMPONENTS.length != ConfigFields.all().size()) {
            throw new IllegalStateException("TrainingConfig has components without a ConfigField");
        }
        try {
            CANONICAL = TrainingConfig.class.getDeclaredConstructor(
                    Arrays.stream(COMPONENTS).map(RecordComponent::getType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private ConfigRecords() {
    }

    /** The Java type the record component of {@code field} must have. */
    static Class<?> componentType(ConfigField field) {
        if (field.optional()) {
            return Optional.class;
        }
        Class<?> c = field.type().valueClass();
        if (c == Integer.class) {
            return int.class;
        }
        if (c == Double.class) {
            return double.class;
        }
        return c == Boolean.class ? boolean.class : c;
    }

    /**
     * Builds a config from typed values by key; optional keys may be absent or {@code null} (unset), every other
     * key must be present.
     */
    static TrainingConfig build(Map<String, Object> values) {
        Object[] args = new Object[COMPONENTS.length];
        List<RecordComponent> order = List.of(COMPONENTS);
        for (ConfigField f : ConfigFields.all()) {
            Object v = values.get(f.key());
            int index = order.indexOf(BY_KEY.get(f.key()));
            if (f.optional()) {
                args[index] = Optional.ofNullable(v);
            } else if (v == null) {
                throw new IllegalArgumentException("no value for " + f.key());
            } else {
                args[index] = v;
            }
        }
        try {
            return CANONICAL.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The typed value of {@code field} in {@code config}; {@code null} for an unset optional key. */
    static Object get(TrainingConfig config, ConfigField field) {
        try {
            Object v = BY_KEY.get(field.key()).getAccessor().invoke(config);
            return v instanceof Optional<?> o ? o.orElse(null) : v;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
