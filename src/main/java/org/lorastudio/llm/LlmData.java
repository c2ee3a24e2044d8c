package org.lorastudio.llm;

import java.nio.file.Path;
import java.util.List;

import org.lorastudio.dataset.Severity;
import org.lorastudio.util.UserException;

/**
 * A language-model data set as read: the examples that parsed and the problems of those that did not.
 *
 * @param format what the file was read as
 */
public record LlmData(Path path, Format format, List<LlmExample> examples, List<LlmDataProblem> problems) {
    /** The layouts {@link LlmDataReader} understands. */
    public enum Format {
        /** A JSON list of objects. */
        JSON,
        /** One JSON object per line. */
        JSONL,
        /** Plain text: a .txt/.md file (documents separated by blank lines) or a folder of them (one per file). */
        TEXT
    }

    public LlmData {
        examples = List.copyOf(examples);
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }

    /** The examples, or an error naming the first problems when the file has any errors (training refuses). */
    public List<LlmExample> requireValid() {
        if (hasErrors()) {
            List<String> errs = problems.stream().filter(p -> p.severity() == Severity.ERROR)
                    .map(p -> p.where() + ": " + p.message()).toList();
            throw new UserException(path.getFileName() + " has " + errs.size() + " error(s): "
                    + String.join("; ", errs.subList(0, Math.min(3, errs.size())))
                    + (errs.size() > 3 ? "; …" : "") + " — run `lorastudio dataset check` for the full list.");
        }
        if (examples.isEmpty()) {
            throw new UserException(path + " contains no training examples.");
        }
        return examples;
    }
}
