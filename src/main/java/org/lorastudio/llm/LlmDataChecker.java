package org.lorastudio.llm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.lorastudio.config.PromptTemplate;
import org.lorastudio.dataset.Severity;

/**
 * {@code dataset check} for language-model data: malformed records by line, chats without an assistant turn, empty
 * outputs and instructions, duplicates, and — with the model's tokenizer — examples longer than
 * {@code max_seq_length} (cut) or so long that nothing of the response survives the cut.
 *
 * <p>Front ends call {@link #check} and print {@link Report#lines()}; exit code 1 when {@link Report#hasErrors()}.
 */
public final class LlmDataChecker {
    private LlmDataChecker() {
    }

    /**
     * What a check found.
     *
     * @param examples        examples that parsed
     * @param truncated       examples longer than max_seq_length, empty when no tokenizer was given
     * @param maxTokens       the longest example in tokens, empty when no tokenizer was given
     */
    public record Report(Path path, LlmData.Format format, int examples, List<LlmDataProblem> problems,
                         Optional<Integer> truncated, Optional<Integer> maxTokens) {
        public Report {
            problems = problems.stream().sorted(LlmDataProblem.REPORT_ORDER).toList();
        }

        public boolean hasErrors() {
            return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
        }

        public long count(Severity s) {
            return problems.stream().filter(p -> p.severity() == s).count();
        }

        /** The report as text lines: a summary, then one line per problem. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
            out.add(name + ": " + examples + " examples (" + format.name().toLowerCase(java.util.Locale.ROOT) + "), "
                    + count(Severity.ERROR) + " errors, " + count(Severity.WARNING) + " warnings");
            if (maxTokens.isPresent()) {
                out.add("longest example: " + maxTokens.get() + " tokens; " + truncated.orElse(0)
                        + " longer than max_seq_length");
            } else {
                out.add("token lengths not checked (pass the model folder to check them against max_seq_length)");
            }
            problems.forEach(p -> out.add(p.toString()));
            return out;
        }
    }

    /**
     * The entry point for {@code lorastudio dataset check FILE}: with {@code modelFolder} the lengths are checked
     * with the model's tokenizer against {@code maxSeqLength}; without it, everything but the lengths.
     */
    public static Report checkFile(Path data, Optional<Path> modelFolder, PromptTemplate template,
                                   int maxSeqLength) {
        if (modelFolder.isEmpty()) {
            return check(data);
        }
        try (LlmTokenizer tokenizer = LlmTokenizer.fromFolder(modelFolder.get())) {
            return check(data, tokenizer, template, maxSeqLength);
        }
    }

    /** Checks without a tokenizer (no length checks). */
    public static Report check(Path data) {
        return check(data, null, PromptTemplate.ALPACA, Integer.MAX_VALUE);
    }

    /**
     * Checks a data file or folder.
     *
     * @param tokenizer the model's tokenizer for the length checks, or null
     */
    public static Report check(Path data, LlmTokenizer tokenizer, PromptTemplate template, int maxSeqLength) {
        LlmData read = LlmDataReader.read(data);
        List<LlmDataProblem> problems = new ArrayList<>(read.problems());
        Map<String, String> seen = new HashMap<>();
        for (LlmExample e : read.examples()) {
            contentProblems(e, problems);
            String key = key(e);
            String first = seen.putIfAbsent(key, e.source());
            if (first != null) {
                problems.add(new LlmDataProblem(LlmDataProblem.Kind.DUPLICATE, e.source(),
                        "duplicates the example at " + first + "; duplicates weigh an example twice"));
            }
        }
        Optional<Integer> truncated = Optional.empty();
        Optional<Integer> longest = Optional.empty();
        if (tokenizer != null) {
            LlmExampleEncoder full = new LlmExampleEncoder(tokenizer, template, Integer.MAX_VALUE, false);
            int cut = 0;
            int max = 0;
            for (LlmExample e : read.examples()) {
                TokenizedExample t = full.encode(e);
                max = Math.max(max, t.length());
                if (t.length() > maxSeqLength) {
                    cut++;
                    long[] labels = t.labels();
                    boolean survives = false;
                    for (int i = 1; i < maxSeqLength; i++) {
                        survives |= labels[i] != TokenizedExample.IGNORE;
                    }
                    problems.add(survives
                            ? new LlmDataProblem(LlmDataProblem.Kind.TOO_LONG, e.source(), t.length()
                            + " tokens, longer than max_seq_length " + maxSeqLength + "; the end will be cut")
                            : new LlmDataProblem(LlmDataProblem.Kind.RESPONSE_CUT, e.source(), "the prompt alone is "
                            + "longer than max_seq_length " + maxSeqLength + ", so the response is cut entirely and"
                            + " the example trains nothing; shorten it or raise max_seq_length"));
                }
            }
            truncated = Optional.of(cut);
            longest = Optional.of(max);
        }
        return new Report(data, read.format(), read.examples().size(), problems, truncated, longest);
    }

    private static void contentProblems(LlmExample e, List<LlmDataProblem> problems) {
        if (e instanceof LlmExample.Instruction in) {
            if (in.output().isBlank()) {
                problems.add(new LlmDataProblem(LlmDataProblem.Kind.EMPTY_OUTPUT, e.source(),
                        "the output is empty, so the example only teaches the model to stop"));
            }
            if (in.instruction().isBlank()) {
                problems.add(new LlmDataProblem(LlmDataProblem.Kind.EMPTY_INSTRUCTION, e.source(),
                        "the instruction is empty"));
            }
        } else if (e instanceof LlmExample.Chat c) {
            boolean any = false;
            for (LlmExample.Message m : c.messages()) {
                if (m.role() == LlmExample.Role.ASSISTANT) {
                    any = true;
                    if (m.content().isBlank()) {
                        problems.add(new LlmDataProblem(LlmDataProblem.Kind.EMPTY_OUTPUT, e.source(),
                                "an assistant turn is empty"));
                    }
                }
            }
            if (!any) {
                problems.add(new LlmDataProblem(LlmDataProblem.Kind.NO_RESPONSE, e.source(),
                        "the conversation has no assistant turn, so there is nothing to learn"));
            }
        }
    }

    /** Identity of an example's content (not its position), for duplicate detection. */
    private static String key(LlmExample e) {
        if (e instanceof LlmExample.Instruction in) {
            return "I\0" + in.system() + "\0" + in.instruction() + "\0" + in.input() + "\0" + in.output();
        }
        if (e instanceof LlmExample.Chat c) {
            StringBuilder sb = new StringBuilder("C");
            c.messages().forEach(m -> sb.append('\0').append(m.role()).append('\0').append(m.content()));
            return sb.toString();
        }
        return "T\0" + ((LlmExample.Text) e).text();
    }
}
