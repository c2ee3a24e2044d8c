package org.lorastudio.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import ai.djl.ndarray.NDManager;
import org.lorastudio.config.PromptTemplate;
import org.lorastudio.llm.LlmTokenizer;
import org.lorastudio.llm.PeftAdapter;
import org.lorastudio.llm.PromptTemplates;
import org.lorastudio.llm.TextGenerator;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.runtime.NoGrad;

/**
 * Does the language-model demo's LoRA teach its format (issue 14)? Held-out conversion prompts — quantities above
 * the data set's 1..20, so none was trained on — are answered greedily by the base and by base + adapter, and each
 * answer is checked for the exact form of the data set, {@code Answer: 23 meters = 2300 centimeters.} (one line,
 * nothing after the full stop), and for the right numbers.
 */
public final class DemoLlmFormat {
    /** The data set's answer form: prefix, quantity, " = ", number and unit, full stop, nothing else. */
    static final Pattern EXACT = Pattern.compile("Answer: \\d+ [a-z]+ = \\d+ [a-z]+\\.");
    /** The prompt template of the demo LoRA ({@code resources/configs/demo-llm.yaml}) and of the base corpus. */
    public static final PromptTemplate TEMPLATE = PromptTemplate.PLAIN;
    /** Most tokens an answer may take (the longest expected answer has about 45 bytes). */
    static final int MAX_NEW_TOKENS = 64;

    /** A held-out question and the data set's answer to it. */
    public record Prompt(String instruction, String expected) {
    }

    /** One answer: its text (stripped), whether it has the exact form, and whether it is the expected answer. */
    public record Answer(String prompt, String text, boolean exactFormat, boolean correct) {
    }

    /** Base and adapted answers to the same prompts. */
    public record Report(List<Answer> base, List<Answer> adapted) {
        public Report {
            base = List.copyOf(base);
            adapted = List.copyOf(adapted);
        }

        public double baseFormatRate() {
            return rate(base, true);
        }

        public double adaptedFormatRate() {
            return rate(adapted, true);
        }

        public double baseCorrectRate() {
            return rate(base, false);
        }

        public double adaptedCorrectRate() {
            return rate(adapted, false);
        }

        private static double rate(List<Answer> answers, boolean format) {
            long n = answers.stream().filter(a -> format ? a.exactFormat() : a.correct()).count();
            return answers.isEmpty() ? 0 : (double) n / answers.size();
        }
    }

    private DemoLlmFormat() {
    }

    /** Whether {@code answer} (a generated text, surrounding white space ignored) has the data set's exact form. */
    public static boolean exactFormat(String answer) {
        return EXACT.matcher(answer.strip()).matches();
    }

    /**
     * {@code count} distinct prompts "Convert 23 meters to centimeters." with quantities
     * 21..{@link DemoLlmCorpus#MAX_VALUE} (the data set has 1..20), drawn from {@code seed}.
     */
    public static List<Prompt> heldOut(long seed, int count) {
        List<DemoLlmGenerator.Conversion> conversions = DemoLlmGenerator.conversions();
        int first = 21;
        int available = conversions.size() * (DemoLlmCorpus.MAX_VALUE - first + 1);
        if (count < 1 || count > available) {
            throw new IllegalArgumentException("count must be 1.." + available + ", found " + count);
        }
        SplittableRandom random = new SplittableRandom(seed);
        Set<String> seen = new LinkedHashSet<>();
        List<Prompt> out = new ArrayList<>();
        while (out.size() < count) {
            DemoLlmGenerator.Conversion c = conversions.get(random.nextInt(conversions.size()));
            int v = first + random.nextInt(DemoLlmCorpus.MAX_VALUE - first + 1);
            String instruction = "Convert " + c.quantity(v) + " to " + c.to() + ".";
            if (seen.add(instruction)) {
                out.add(new Prompt(instruction, DemoLlmGenerator.answer(c, v)));
            }
        }
        return out;
    }

    /**
     * Answers {@code prompts} (the demo's plain template, greedy) with the model folder, then with the PEFT adapter attached.
     * All arrays live in {@code manager}; call on the thread that owns it.
     */
    @SuppressWarnings("try")
    public static Report measure(Path model, Path adapter, List<Prompt> prompts, NDManager manager) {
        try (LlmTokenizer tokenizer = LlmTokenizer.fromFolder(model); NoGrad g = NoGrad.enter()) {
            LlamaForCausalLM lm = LlamaForCausalLM.fromPretrained(model, manager);
            TextGenerator generator = new TextGenerator(lm, tokenizer);
            List<Answer> base = answer(generator, prompts, manager);
            LoraNetwork network = PeftAdapter.read(adapter, lm, manager).network();
            network.attach();
            try {
                return new Report(base, answer(generator, prompts, manager));
            } finally {
                network.detach();
            }
        }
    }

    private static List<Answer> answer(TextGenerator generator, List<Prompt> prompts, NDManager manager) {
        List<Answer> out = new ArrayList<>();
        for (Prompt p : prompts) {
            try (NDManager m = manager.newSubManager()) {
                String text = generator.generate(PromptTemplates.prompt(TEMPLATE, p.instruction()),
                        TextGenerator.Settings.greedy(MAX_NEW_TOKENS), m).text().strip();
                out.add(new Answer(p.instruction(), text, exactFormat(text), text.equals(p.expected())));
            }
        }
        return out;
    }
}
