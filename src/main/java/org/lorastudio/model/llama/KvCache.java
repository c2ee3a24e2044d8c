package org.lorastudio.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * Keys and values of the tokens seen so far, per layer, for incremental decoding (transformers' {@code
 * DynamicCache}): each forward appends its new (B, kv_heads, T, d) keys/values along the time axis, so a generation
 * step only runs the new token through the network. The arrays live in the cache's own sub-manager and survive the
 * per-step {@link NDScope}s of the caller; replaced arrays are closed at once, so memory grows only with the length.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private long length;

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Number of positions already cached (the position of the next token). */
    public long length() {
        return length;
    }

    /** Appends {@code k}, {@code v} (B, kv_heads, T, d) to a layer; returns the full (B, kv_heads, S, d). */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        keys[layer] = extend(keys[layer], k);
        values[layer] = extend(values[layer], v);
        return new NDArray[] {keys[layer], values[layer]};
    }

    private NDArray extend(NDArray old, NDArray add) {
        NDArray next = old == null ? add.duplicate() : old.concat(add, 2); // (B, kv, S, d) ++ (B, kv, T, d)
        NDScope.unregister(next);
        next.attach(manager);
        if (old != null) {
            old.close();
        }
        return next;
    }

    /** Called once per forward, after every layer appended, with the number of new positions. */
    void advance(long newTokens) {
        length += newTokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}
