package org.lorastudio.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.llm.PromptTemplates;
import org.lorastudio.util.AtomicFiles;

/**
 * The pretraining corpus of the language-model demo (issue 14): plain-English documents drawn from a seed — unit
 * conversions ("23 meters is 2300 centimeters."), unit facts, small sums and products, and a fixed list of simple
 * facts — one to three sentences each; and a share of instruction documents in the plain template
 * ({@code "Convert 23 meters to centimeters.\n\n"}, the template of the demo LoRA) whose response is one such plain
 * sentence, so that the pretrained base answers the demo's questions in its own words. The plain template rather
 * than Alpaca's keeps documents short: about 70 bytes instead of 200, a third of the compute per document.
 *
 * <p>The word "Answer" never occurs: the demo LoRA ({@code resources/configs/demo-llm.yaml}) teaches answers in the
 * form {@code Answer: 23 meters = 2300 centimeters.}, which the base therefore does not know ({@link DemoLlmFormat}
 * measures it). Quantities run from 1 to {@link #MAX_VALUE}, so they include the held-out prompts of
 * {@link DemoLlmFormat#heldOut}.
 */
public final class DemoLlmCorpus {
    /** Largest quantity in a conversion sentence. */
    public static final int MAX_VALUE = 50;
    /** Share of documents that are an instruction with a plain one-sentence response. */
    public static final double INSTRUCTION_SHARE = 0.4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> FACTS = List.of(
            "A week has seven days.", "A year has twelve months.", "A day has twenty four hours.",
            "Water freezes at zero degrees.", "Water boils at one hundred degrees.", "The sun rises in the east.",
            "The sun sets in the west.", "A triangle has three sides.", "A square has four sides.",
            "A circle is round.", "Snow is cold and white.", "The sky is blue on a clear day.", "Bees make honey.",
            "Fish live in water.", "Birds have feathers.", "Ice is frozen water.", "Plants need light and water.",
            "The moon goes around the earth.", "Cats and dogs are animals.", "Grass is green.");

    private DemoLlmCorpus() {
    }

    /** {@code count} documents drawn from {@code seed} (the same seed gives the same list). */
    public static List<String> documents(long seed, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, found " + count);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(random.nextDouble() < INSTRUCTION_SHARE ? instruction(random) : plain(random));
        }
        return out;
    }

    /** One to three sentences of any kind. */
    private static String plain(SplittableRandom r) {
        int n = 1 + r.nextInt(3);
        StringBuilder doc = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                doc.append(' ');
            }
            doc.append(sentence(r));
        }
        return doc.toString();
    }

    private static String sentence(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0, 1 -> conversion(r, value(r));
            case 2 -> unitFact(r);
            case 3 -> arithmetic(r);
            default -> FACTS.get(r.nextInt(FACTS.size()));
        };
    }

    private static int value(SplittableRandom r) {
        return 1 + r.nextInt(MAX_VALUE);
    }

    /** "23 meters is 2300 centimeters." */
    private static String conversion(SplittableRandom r, int value) {
        DemoLlmGenerator.Conversion c = DemoLlmGenerator.conversions().get(
                r.nextInt(DemoLlmGenerator.conversions().size()));
        return c.quantity(value) + " is " + value * c.factor() + " " + c.to() + ".";
    }

    private static String unitFact(SplittableRandom r) {
        DemoLlmGenerator.Conversion c = DemoLlmGenerator.conversions().get(
                r.nextInt(DemoLlmGenerator.conversions().size()));
        return r.nextBoolean() ? "There are " + c.factor() + " " + c.to() + " in one " + c.quantity(1).substring(2)
                + "." : "One " + c.quantity(1).substring(2) + " is " + c.factor() + " " + c.to() + ".";
    }

    private static String arithmetic(SplittableRandom r) {
        int a = 1 + r.nextInt(20);
        int b = 1 + r.nextInt(20);
        return switch (r.nextInt(3)) {
            case 0 -> a + " plus " + b + " is " + (a + b) + ".";
            case 1 -> Math.max(a, b) + " minus " + Math.min(a, b) + " is " + (Math.max(a, b) - Math.min(a, b)) + ".";
            default -> (a % 10 + 1) + " times " + (b % 10 + 1) + " is " + (a % 10 + 1) * (b % 10 + 1) + ".";
        };
    }

    /** A plain-template prompt (the demo's instructions and a few others) followed by one plain sentence. */
    private static String instruction(SplittableRandom r) {
        String instruction;
        String input = "";
        String response;
        int kind = r.nextInt(10);
        if (kind < 7) {
            DemoLlmGenerator.Conversion c = DemoLlmGenerator.conversions().get(
                    r.nextInt(DemoLlmGenerator.conversions().size()));
            int v = value(r);
            if (kind < 5) {
                instruction = "Convert " + c.quantity(v) + " to " + c.to() + ".";
            } else {
                instruction = "Convert the quantity to " + c.to() + ".";
                input = c.quantity(v);
            }
            response = c.quantity(v) + " is " + v * c.factor() + " " + c.to() + ".";
        } else if (kind < 9) {
            int a = 1 + r.nextInt(20);
            int b = 1 + r.nextInt(20);
            instruction = "What is " + a + " plus " + b + "?";
            response = a + " plus " + b + " is " + (a + b) + ".";
        } else {
            instruction = "Tell me a fact.";
            response = FACTS.get(r.nextInt(FACTS.size()));
        }
        return PromptTemplates.prompt(DemoLlmFormat.TEMPLATE, instruction, input, "") + response;
    }

    /** Writes the documents as JSON lines {@code {"text": …}} (one training example each). */
    public static void write(Path file, List<String> documents) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String d : documents) {
            try {
                out.append(JSON.writeValueAsString(java.util.Map.of("text", d))).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        AtomicFiles.writeString(file, out.toString());
    }
}
