package org.lorastudio.nn;

import java.util.List;

/**
 * What a weight load found: keys the model expects but the files lack, keys the files have that the model does
 * not know, and keys whose shapes disagree. A load with any of these is an error (listing the names).
 */
public record LoadReport(String source, int loaded, List<String> missing, List<String> unexpected,
                         List<String> mismatched) {
    public LoadReport {
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
    }

    public boolean ok() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /** A human-readable summary listing the first 20 names of each kind and the total count. */
    public String describe() {
        StringBuilder sb = new StringBuilder(source).append(": loaded ").append(loaded).append(" tensors");
        append(sb, "missing", missing);
        append(sb, "unexpected", unexpected);
        append(sb, "with the wrong shape", mismatched);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String what, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        sb.append("; ").append(names.size()).append(' ').append(what).append(": ");
        sb.append(String.join(", ", names.subList(0, Math.min(20, names.size()))));
        if (names.size() > 20) {
            sb.append(", … (").append(names.size() - 20).append(" more)");
        }
    }
}
