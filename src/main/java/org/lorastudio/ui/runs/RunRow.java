package org.lorastudio.ui.runs;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.lorastudio.compare.FlatConfig;
import org.lorastudio.compare.RunSummary;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.RunEntry;
import org.lorastudio.run.RunRecord;
import org.lorastudio.run.RunStatus;
import org.lorastudio.util.UserException;

/**
 * One line of the runs table, read once from a run folder on a background thread: plain values only, so the
 * FX thread never touches the disk to show or sort it.
 *
 * @param dir the run folder
 * @param id the folder name
 * @param name the experiment name (the id for unreadable runs)
 * @param created when the run was made, or null
 * @param status status label ({@code not started} for a run folder that never began training)
 * @param modelType model type from {@code run.json}, or null
 * @param rank {@code lora_rank} from {@code config.yaml}, or null
 * @param learningRate {@code learning_rate} as written in {@code config.yaml}, or null
 * @param epochs {@code epochs} from {@code config.yaml}, or null
 * @param stepsDone optimizer steps done
 * @param totalSteps planned steps (0 when unknown)
 * @param finalLoss loss at the last step, or null
 * @param durationSeconds run time, or null
 * @param parentId the run this one was forked from, or null
 * @param problem why the run could not be read, or null
 */
public record RunRow(Path dir, String id, String name, Instant created, String status, String modelType,
                     Integer rank, String learningRate, Integer epochs, long stepsDone, long totalSteps,
                     Double finalLoss, Double durationSeconds, String parentId, String problem) {

    /** Shown for a folder made (for example by a fork) whose training never started. */
    public static final String NOT_STARTED = "not started";

    /** Reads one catalog entry: {@code run.json}, {@code config.yaml} and the metrics log. */
    static RunRow of(RunEntry entry, Instant now) {
        if (!entry.isReadable()) {
            return new RunRow(entry.dir(), entry.id().value(), entry.id().value(), entry.id().time().orElse(null),
                    RunEntry.UNREADABLE, null, null, null, null, 0, 0, null, null, null, entry.problem());
        }
        RunRecord r = entry.record();
        List<MetricPoint> points;
        String problem = null;
        try {
            points = entry.folder().metrics();
        } catch (UserException e) {
            points = List.of();
            problem = e.getMessage();
        }
        Map<String, FlatConfig.Value> config = Map.of();
        try {
            config = FlatConfig.parse(entry.folder().configText(), "config.yaml").values();
        } catch (UserException e) {
            problem = problem == null ? e.getMessage() : problem;
        }
        RunSummary s = RunSummary.of(r, points, now);
        String status = r.status() == RunStatus.RUNNING && r.started() == null && s.stepsDone() == 0
                ? NOT_STARTED : r.status().label();
        return new RunRow(entry.dir(), r.id(), r.name(), r.created(), status, r.modelType(),
                integer(config, "lora_rank", "network_dim", "rank"), text(config, "learning_rate", "lr"),
                integer(config, "epochs"), s.stepsDone(), s.totalSteps(), s.finalLoss(), s.durationSeconds(),
                r.parentRunId(), problem);
    }

    /** The learning rate as a number for sorting, or null. */
    public Double learningRateValue() {
        if (learningRate == null) {
            return null;
        }
        try {
            return Double.parseDouble(learningRate.replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** True when the run folder is readable (actions beyond delete need that). */
    public boolean readable() {
        return !RunEntry.UNREADABLE.equals(status);
    }

    /** Steps as {@code done/total}, or just {@code done}. */
    public String stepsText() {
        return totalSteps > 0 ? stepsDone + "/" + totalSteps : Long.toString(stepsDone);
    }

    /** A stopped or failed run can continue from its last checkpoint. */
    public boolean resumable() {
        return RunStatus.STOPPED.label().equals(status) || RunStatus.FAILED.label().equals(status);
    }

    private static Optional<FlatConfig.Value> first(Map<String, FlatConfig.Value> config, String... keys) {
        for (String k : keys) {
            FlatConfig.Value v = config.get(k);
            if (v != null) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static Integer integer(Map<String, FlatConfig.Value> config, String... keys) {
        return first(config, keys).map(v -> {
            try {
                return (int) Double.parseDouble(v.text().replace("_", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }

    private static String text(Map<String, FlatConfig.Value> config, String... keys) {
        return first(config, keys).map(FlatConfig.Value::text).map(t -> t.toLowerCase(Locale.ROOT)).orElse(null);
    }
}
