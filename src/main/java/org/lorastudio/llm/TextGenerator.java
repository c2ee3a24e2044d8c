package org.lorastudio.llm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.model.llama.KvCache;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.runtime.NoGrad;

/**
 * Autoregressive decoding (transformers' {@code generate} for one sequence): greedy when temperature is 0, else
 * temperature scaling + nucleus (top-p) sampling with a seeded Java RNG, so a seed gives the same text on every
 * machine. Stops at an EOS / end-of-turn id, after {@code max_new_tokens}, or at {@code max_position_embeddings}.
 * Uses a {@link KvCache}: the prompt runs once, then one token per step; every step runs in its own
 * {@link NDScope} so memory only grows by the cache.
 */
public final class TextGenerator {
    private final LlamaForCausalLM model;
    private final LlmTokenizer tokenizer;
    private Set<Long> stopIds;
    private boolean useCache = true;

    /**
     * Decoding settings.
     *
     * @param temperature 0 = greedy; otherwise logits are divided by it before sampling
     * @param topP        nucleus size in (0, 1]; 1 = sample from the whole distribution
     */
    public record Settings(int maxNewTokens, double temperature, double topP, long seed) {
        public Settings {
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("max new tokens must be >= 1, found " + maxNewTokens);
            }
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be >= 0, found " + temperature);
            }
            if (!(topP > 0 && topP <= 1)) {
                throw new IllegalArgumentException("top-p must be in (0, 1], found " + topP);
            }
        }

        public static Settings greedy(int maxNewTokens) {
            return new Settings(maxNewTokens, 0, 1, 0);
        }
    }

    /**
     * @param text         the decoded new tokens (without the stop token), special tokens skipped
     * @param newTokens    the generated ids, including the stop id when one ended the answer
     * @param stoppedAtEos whether a stop id ended the answer (rather than the token limit)
     */
    public record Result(String text, long[] newTokens, int promptTokens, boolean stoppedAtEos, long nanos) {
        public Result {
            newTokens = newTokens.clone();
        }

        @Override
        public long[] newTokens() {
            return newTokens.clone();
        }
    }

    /**
     * Sees each new token as soon as it is chosen (a stop id is not shown: it ends the answer anyway), on the
     * generating thread, so a front end can stream the answer and offer Cancel. Returning false ends the answer after that token; the result then has
     * {@code stoppedAtEos} false, as after the token limit.
     */
    @FunctionalInterface
    public interface TokenListener {
        /** @param generated every id generated so far, the newest last (a fresh copy) */
        boolean onToken(long[] generated);
    }

    public TextGenerator(LlamaForCausalLM model, LlmTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        Set<Long> stops = new LinkedHashSet<>(tokenizer.stopIds());
        model.config().eosTokenIds().forEach(id -> stops.add(id.longValue()));
        this.stopIds = Set.copyOf(stops);
    }

    /** Recomputes the whole sequence each step instead of caching keys/values (slower; for tests). */
    public TextGenerator withoutCache() {
        this.useCache = false;
        return this;
    }

    /** Replaces the stop ids (tests; a front end could add its own stop tokens). */
    public TextGenerator withStopIds(Set<Long> ids) {
        this.stopIds = Set.copyOf(ids);
        return this;
    }

    public Set<Long> stopIds() {
        return stopIds;
    }

    /** Generates a continuation of {@code prompt} (already templated), encoded with the model's special tokens. */
    public Result generate(String prompt, Settings settings, NDManager manager) {
        return generate(tokenizer.encode(prompt), settings, manager);
    }

    /** As {@link #generate(String, Settings, NDManager)}, telling {@code listener} about every new token. */
    public Result generate(String prompt, Settings settings, NDManager manager, TokenListener listener) {
        return generate(tokenizer.encode(prompt), settings, manager, listener);
    }

    public Result generate(long[] promptIds, Settings settings, NDManager manager) {
        return generate(promptIds, settings, manager, generated -> true);
    }

    @SuppressWarnings("try") // scopes and grad-mode guards are used for their close() only
    public Result generate(long[] promptIds, Settings settings, NDManager manager, TokenListener listener) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        long t0 = System.nanoTime();
        int maxPositions = model.config().maxPositionEmbeddings();
        SplittableRandom random = new SplittableRandom(settings.seed());
        List<Long> out = new ArrayList<>();
        boolean stopped = false;
        try (NoGrad noGrad = NoGrad.enter(); NDManager m = manager.newSubManager();
             KvCache cache = useCache ? model.newCache(m) : null) {
            long[] sequence = promptIds.clone();
            long[] feed = promptIds;
            while (out.size() < settings.maxNewTokens() && sequence.length < maxPositions) {
                float[] logits;
                try (NDScope scope = new NDScope()) {
                    long[] input = useCache ? feed : sequence;
                    NDArray ids = m.create(input, new Shape(1, input.length));
                    NDArray all = model.forward(ids, null, cache); // (1, T, V)
                    logits = all.get(new NDIndex(0, all.getShape().get(1) - 1)).toFloatArray(); // last position
                }
                long next = settings.temperature() == 0 ? argMax(logits)
                        : sample(logits, settings.temperature(), settings.topP(), random);
                out.add(next);
                if (stopIds.contains(next)) {
                    stopped = true;
                    break;
                }
                if (!listener.onToken(out.stream().mapToLong(Long::longValue).toArray())) {
                    break;
                }
                sequence = Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = next;
                feed = new long[] {next};
            }
        }
        long[] generated = out.stream().mapToLong(Long::longValue).toArray();
        long[] text = stopped ? Arrays.copyOf(generated, generated.length - 1) : generated;
        return new Result(tokenizer.decode(text), generated, promptIds.length, stopped, System.nanoTime() - t0);
    }

    static int argMax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * transformers' {@code TemperatureLogitsWarper} + {@code TopPLogitsWarper}: keep the most likely tokens whose
     * cumulative probability reaches top-p (at least one), renormalise, draw.
     */
    static int sample(float[] logits, double temperature, double topP, SplittableRandom random) {
        int v = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / temperature);
        }
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp(logits[i] / temperature - max);
            sum += p[i];
        }
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
            p[i] /= sum;
        }
        Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : p[b] != p[a] ? Double.compare(p[b], p[a]) : a - b);
        int keep = 0;
        double cumulative = 0;
        while (keep < v && (keep == 0 || cumulative < topP)) {
            cumulative += p[order[keep]];
            keep++;
        }
        double u = random.nextDouble() * cumulative;
        double acc = 0;
        for (int k = 0; k < keep; k++) {
            acc += p[order[k]];
            if (u < acc) {
                return order[k];
            }
        }
        return order[keep - 1];
    }
}
