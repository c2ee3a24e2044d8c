package org.lorastudio.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import org.lorastudio.util.UserException;

/**
 * Every parameter of one or more {@link Module}s as the trainable weights of a run (full-parameter training). Keys
 * are {@code <prefix>.<reference key>}, e.g. {@code vae.encoder.conv_in.weight}, so a checkpoint names the component
 * and the diffusers key of each array.
 */
public final class FullParameters implements TrainableWeights {
    private final Map<String, Parameter> parameters;

    private FullParameters(Map<String, Parameter> parameters) {
        this.parameters = parameters;
    }

    /** The parameters of {@code modules} (prefix → module, in that order); every one must be loaded already. */
    public static FullParameters of(Map<String, ? extends Module> modules) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        modules.forEach((prefix, module) -> module.namedParameters().forEach((k, p) -> {
            if (!p.isSet()) {
                throw new IllegalStateException(prefix + "." + k + " was never loaded or initialized");
            }
            out.put(prefix + "." + k, p);
        }));
        return new FullParameters(out);
    }

    @Override
    public Map<String, NDArray> namedArrays() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters.forEach((k, p) -> out.put(k, p.array()));
        return out;
    }

    /** The arrays whose key starts with {@code prefix + "."} (one component's parameter group). */
    public Map<String, NDArray> namedArrays(String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters.forEach((k, p) -> {
            if (k.startsWith(prefix + ".")) {
                out.put(k, p.array());
            }
        });
        return out;
    }

    @Override
    public void loadWeights(Map<String, NDArray> byKey) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray a = byKey.get(e.getKey());
            if (a == null) {
                problems.add(e.getKey() + " is missing");
            } else if (!Arrays.equals(a.getShape().getShape(), e.getValue().shape().getShape())) {
                problems.add(e.getKey() + " has shape " + a.getShape() + ", expected " + e.getValue().shape());
            }
        }
        if (!problems.isEmpty()) {
            throw new UserException("checkpoint does not match the model (" + problems.size() + " problem(s): "
                    + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                    + ") — was the model changed after the run started?");
        }
        parameters.forEach((k, p) -> {
            NDArray a = byKey.get(k);
            a.setName(k.substring(k.lastIndexOf('.') + 1));
            p.set(a);
        });
    }

    @Override
    public void setTrainable(boolean trainable) {
        parameters.values().forEach(p -> p.setTrainable(trainable));
    }

    @Override
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            n += p.numel();
        }
        return n;
    }
}
