package org.lorastudio.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.lorastudio.llm.ByteLevelTokenizerFiles;
import org.lorastudio.model.llama.LlamaConfig;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.nn.Parameter;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsWriter;
import org.lorastudio.util.AtomicFiles;

/**
 * Creates the language-model demo (issue 7): a tiny LLaMA-architecture model folder with random weights and a
 * byte-level tokenizer, and a small Alpaca data set of unit conversions ("Convert 3 kilometers to meters." →
 * "Answer: 3 kilometers = 3000 meters."). The committed {@code models/demo-llm} is this architecture pretrained on
 * {@link DemoLlmCorpus} (issue 14, {@code lorastudio demo pretrain-llm}), which answers in plain sentences
 * ("3 kilometers is 3000 meters."); the data set teaches the {@code Answer: … = … .} form.
 *
 * <p>The model: vocab 259 (pad, BOS, EOS + 256 bytes), hidden 64, intermediate 128, 2 layers, 4 heads with 2
 * key/value heads (GQA), head size 16, 512 positions, untied head. Weights are N(0, 0.1²) (norms 1) drawn in
 * state-dict order from a {@link Random} with a fixed seed and written without DJL, so the same seed gives
 * byte-identical files (the JSON is written with {@code \n} line ends on every OS).
 */
public final class DemoLlmGenerator {
    /** The seed of the demo. */
    public static final long DEFAULT_SEED = 1234L;
    /** Number of examples in the demo data set. */
    public static final int DEFAULT_COUNT = 60;
    /**
     * Std of the random weights: larger than transformers' 0.02 so the random network is not nearly linear and
     * a LoRA on it has something to steer within a few minutes of CPU training.
     */
    public static final double WEIGHT_STD = 0.1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    /** A conversion: the unit words (plural) and the factor between them. */
    public record Conversion(String from, String to, int factor) {
        /** "3 kilometers", "1 kilometer", "1 foot". */
        public String quantity(int value) {
            return value + " " + (value == 1 ? singular(from) : from);
        }
    }

    /** The prefix of every answer in the demo data set: the format the LoRA teaches (the base corpus lacks it). */
    public static final String ANSWER_PREFIX = "Answer: ";

    private static final List<Conversion> CONVERSIONS = List.of(
            new Conversion("kilometers", "meters", 1000), new Conversion("meters", "centimeters", 100),
            new Conversion("kilograms", "grams", 1000), new Conversion("hours", "minutes", 60),
            new Conversion("minutes", "seconds", 60), new Conversion("days", "hours", 24),
            new Conversion("liters", "milliliters", 1000), new Conversion("feet", "inches", 12),
            new Conversion("yards", "feet", 3), new Conversion("weeks", "days", 7));

    private DemoLlmGenerator() {
    }

    /** The demo model's architecture. */
    public static LlamaConfig config() {
        return new LlamaConfig("llama", ByteLevelTokenizerFiles.vocabSize(ByteLevelTokenizerFiles.LLAMA_SPECIALS), 64,
                128, 2, 4, 2, 16, 512, 1e-5, 10000.0, Optional.empty(), false, false, false, Optional.of(1),
                List.of(2), Optional.of(0), Optional.empty(), "float32");
    }

    /** The demo's conversions. */
    public static List<Conversion> conversions() {
        return CONVERSIONS;
    }

    /** Writes both: the model into {@code modelFolder}, the data set as {@code dataFile} (Alpaca JSON). */
    public static void generate(Path modelFolder, Path dataFile, long seed) throws IOException {
        writeModel(modelFolder, seed);
        writeDataset(dataFile, seed, DEFAULT_COUNT);
    }

    /**
     * Writes {@code config.json}, {@code model.safetensors}, {@code tokenizer.json}, {@code tokenizer_config.json}
     * and {@code generation_config.json}.
     */
    public static void writeModel(Path folder, long seed) throws IOException {
        writeModel(folder, seed, WEIGHT_STD);
    }

    /** Like {@link #writeModel(Path, long)} with weights N(0, std²) (0.02, transformers' default, to pretrain). */
    public static void writeModel(Path folder, long seed, double std) throws IOException {
        Files.createDirectories(folder);
        LlamaConfig config = config();
        LlamaForCausalLM shape = new LlamaForCausalLM(config); // builds the parameter list only; allocates nothing
        Random random = new Random(seed);
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, Parameter> e : shape.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            float[] v = new float[Math.toIntExact(p.numel())];
            boolean norm = p.shape().dimension() == 1;
            for (int i = 0; i < v.length; i++) {
                v[i] = norm ? 1f : (float) (random.nextGaussian() * std);
            }
            w.addFloats(e.getKey(), p.shape().getShape(), v, DType.F32);
        }
        w.write(folder.resolve("model.safetensors"));
        AtomicFiles.writeString(folder.resolve("config.json"), pretty(config.toJson()));
        ByteLevelTokenizerFiles.writeLlamaLike(folder, config.maxPositionEmbeddings());
        ObjectNode gen = JSON.createObjectNode();
        gen.put("bos_token_id", 1);
        gen.put("eos_token_id", 2);
        gen.put("pad_token_id", 0);
        gen.put("do_sample", false);
        gen.put("max_new_tokens", 64);
        AtomicFiles.writeString(folder.resolve("generation_config.json"), pretty(gen));
    }

    /** The demo examples: distinct (value, conversion) pairs, alternating with and without an input field. */
    public static List<Map<String, String>> examples(long seed, int count) {
        if (count < 0 || count > CONVERSIONS.size() * 20) {
            throw new IllegalArgumentException("count must be 0.." + CONVERSIONS.size() * 20 + ", found " + count);
        }
        SplittableRandom random = new SplittableRandom(seed);
        Set<String> seen = new LinkedHashSet<>();
        List<Map<String, String>> out = new ArrayList<>();
        while (out.size() < count) {
            Conversion c = CONVERSIONS.get(random.nextInt(CONVERSIONS.size()));
            int value = 1 + random.nextInt(20);
            if (!seen.add(c.from() + value)) {
                continue;
            }
            String quantity = c.quantity(value);
            String answer = answer(c, value);
            Map<String, String> ex = new LinkedHashMap<>();
            if (out.size() % 2 == 0) {
                ex.put("instruction", "Convert " + quantity + " to " + c.to() + ".");
                ex.put("input", "");
            } else {
                ex.put("instruction", "Convert the quantity to " + c.to() + ".");
                ex.put("input", quantity);
            }
            ex.put("output", answer);
            out.add(ex);
        }
        return out;
    }

    /** The data set's answer: {@code Answer: 3 kilometers = 3000 meters.} */
    public static String answer(Conversion c, int value) {
        return ANSWER_PREFIX + c.quantity(value) + " = " + value * c.factor() + " " + c.to() + ".";
    }

    private static String singular(String unit) {
        return "feet".equals(unit) ? "foot" : "inches".equals(unit) ? "inch" : unit.substring(0, unit.length() - 1);
    }

    /** Writes the data set as an Alpaca JSON list. */
    public static void writeDataset(Path file, long seed, int count) throws IOException {
        try {
            AtomicFiles.writeString(file, PRETTY.writeValueAsString(examples(seed, count)) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
