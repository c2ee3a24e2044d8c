package org.lorastudio.llm;

import java.util.Comparator;
import java.util.Objects;

import org.lorastudio.dataset.Severity;

/**
 * One problem of a language-model data file.
 *
 * @param where   the file and line ({@code data.jsonl:7}) or the example's position in a JSON list
 * @param message one plain sentence: what is wrong and what to do
 */
public record LlmDataProblem(Kind kind, String where, String message) {
    /** Errors first, then by place. */
    public static final Comparator<LlmDataProblem> REPORT_ORDER = Comparator
            .comparing(LlmDataProblem::severity).thenComparing(LlmDataProblem::where, LlmDataProblem::compareWhere)
            .thenComparing(LlmDataProblem::kind);

    /** What kind of problem, with its severity: errors stop training, warnings are shown. */
    public enum Kind {
        /** A line or element that is not valid JSON or lacks the fields of any supported format. */
        MALFORMED(Severity.ERROR),
        /** The file cannot be read at all (missing, unknown extension, not UTF-8). */
        UNREADABLE(Severity.ERROR),
        /** A chat with no assistant turn: nothing to learn. */
        NO_RESPONSE(Severity.ERROR),
        /** An empty output / assistant turn: the example teaches only to stop. */
        EMPTY_OUTPUT(Severity.WARNING),
        /** An empty instruction. */
        EMPTY_INSTRUCTION(Severity.WARNING),
        /** The same example appears again. */
        DUPLICATE(Severity.WARNING),
        /** Longer than max_seq_length tokens: it is cut. */
        TOO_LONG(Severity.WARNING),
        /** So long that the cut removes every response token: it trains nothing. */
        RESPONSE_CUT(Severity.WARNING);

        private final Severity severity;

        Kind(Severity severity) {
            this.severity = severity;
        }

        public Severity severity() {
            return severity;
        }
    }

    public LlmDataProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(message, "message");
    }

    public Severity severity() {
        return kind.severity();
    }

    /** Sorts {@code a.jsonl:9} before {@code a.jsonl:10}. */
    private static int compareWhere(String a, String b) {
        int ca = a.lastIndexOf(':');
        int cb = b.lastIndexOf(':');
        if (ca > 0 && cb > 0 && a.substring(0, ca).equals(b.substring(0, cb))) {
            try {
                return Long.compare(Long.parseLong(a.substring(ca + 1)), Long.parseLong(b.substring(cb + 1)));
            } catch (NumberFormatException e) {
                return a.compareTo(b);
            }
        }
        return a.compareTo(b);
    }

    /** {@code ERROR  data.jsonl:7: …}, aligned like the image dataset report. */
    @Override
    public String toString() {
        return String.format("%-7s%s: %s", severity() == Severity.ERROR ? "ERROR" : "WARN", where, message);
    }
}
