package org.lorastudio.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of every network block. Children and parameters are registered under the <b>reference attribute names</b>
 * (diffusers / transformers), so a full key such as {@code down_blocks.0.resnets.1.time_emb_proj.weight} falls out
 * of the module tree without a mapping table (STYLE 1). Each subclass has its own typed {@code forward}.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    /** Registers a parameter of the given shape under {@code name}. */
    protected final Parameter parameter(String name, long... shape) {
        checkName(name);
        Parameter p = new Parameter(name, shape);
        parameters.put(name, p);
        return p;
    }

    /** Registers a child module under {@code name} and returns it. */
    protected final <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
    }

    /** Direct children in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Direct parameters in registration order. */
    public final Map<String, Parameter> localParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Every parameter of this subtree by full dotted name, in registration (state-dict) order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collect(prefix + n + ".", out));
    }

    /** Every module of this subtree by full dotted path (this module itself is not included). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        children.forEach((n, c) -> {
            out.put(prefix + n, c);
            c.collectModules(prefix + n + ".", out);
        });
    }

    /** The module at a dotted path, e.g. {@code mid_block.attentions.0}. */
    public final Module module(String path) {
        Module m = this;
        for (String part : path.split("\\.")) {
            Module next = m.children.get(part);
            if (next == null) {
                throw new IllegalArgumentException("no module '" + path + "' in " + getClass().getSimpleName());
            }
            m = next;
        }
        return m;
    }

    /** Total number of weights in this subtree. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.numel();
        }
        return n;
    }
}
