package org.lorastudio.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * The provenance of one run, stored as {@code run.json} in its folder (SPEC §5, STYLE convention 10): written
 * before step 1 with status {@code running}, and rewritten with the outcome when the run ends. Like Tribuo's
 * {@code ModelProvenance} it holds everything needed to say later which data, which model, which software and
 * which seed produced a result; the config itself sits next to it as {@code config.yaml}.
 *
 * <p>Immutable: updates return a new record ({@link #withStepsDone}, {@link #completed}, {@link #failed}, ...),
 * and {@link #write} replaces the file atomically, so a crash leaves either the old or the new record.
 *
 * @param schemaVersion format version of this file, {@link #SCHEMA_VERSION} when written by this studio
 * @param id the run id, equal to the folder name
 * @param name the experiment name as the user wrote it (the id carries a file-system-safe form)
 * @param modelType {@code sd15} or {@code llm}
 * @param status where the run stands
 * @param created when the run folder was made
 * @param started when training began (after loading), or null before that
 * @param ended when the run completed, failed or stopped, or null while running
 * @param seed the run's seed, once known
 * @param device the device trained on, for example {@code cuda:0} or {@code cpu}
 * @param precision {@code no}, {@code fp16} or {@code bf16}
 * @param versions the software used
 * @param baseModel the base model's identity, once hashed
 * @param dataset the data set's fingerprint, once computed
 * @param parentRunId the run this one was started from, if any
 * @param totalSteps the planned number of optimizer steps
 * @param stepsDone optimizer steps completed
 * @param finalMetrics the outcome in numbers, once the run ended
 * @param outputFiles files the run produced, relative to its folder (LoRA weights, samples)
 * @param error the failure message when {@code status} is {@code failed}
 */
@JsonPropertyOrder({"schema_version", "id", "name", "model_type", "status", "created", "started", "ended", "seed",
        "device", "precision", "versions", "base_model", "dataset", "parent_run_id", "total_steps", "steps_done",
        "final_metrics", "output_files", "error"})
public record RunRecord(
        @JsonProperty("schema_version") int schemaVersion,
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("model_type") String modelType,
        @JsonProperty("status") RunStatus status,
        @JsonProperty("created") Instant created,
        @JsonProperty("started") Instant started,
        @JsonProperty("ended") Instant ended,
        @JsonProperty("seed") Long seed,
        @JsonProperty("device") String device,
        @JsonProperty("precision") String precision,
        @JsonProperty("versions") RuntimeVersions versions,
        @JsonProperty("base_model") ModelIdentity baseModel,
        @JsonProperty("dataset") DatasetFingerprint dataset,
        @JsonProperty("parent_run_id") String parentRunId,
        @JsonProperty("total_steps") long totalSteps,
        @JsonProperty("steps_done") long stepsDone,
        @JsonProperty("final_metrics") FinalMetrics finalMetrics,
        @JsonProperty("output_files") List<String> outputFiles,
        @JsonProperty("error") String error) {

    /** The {@code run.json} format this studio writes; files with a higher version are refused. */
    public static final int SCHEMA_VERSION = 1;
    /** The file name inside a run folder. */
    public static final String FILE_NAME = "run.json";

    public RunRecord {
        required(id, "id");
        required(name, "name");
        required(status, "status");
        outputFiles = outputFiles == null ? List.of() : List.copyOf(outputFiles);
    }

    /**
     * The record of a run whose folder was just made: status {@code running}, this process's versions, nothing
     * measured yet. Times are kept to the millisecond.
     */
    public static RunRecord create(RunId id, String name, String modelType, Instant created) {
        return new RunRecord(SCHEMA_VERSION, id.value(), name, modelType, RunStatus.RUNNING, millis(created),
                null, null, null, null, null, RuntimeVersions.current(), null, null, null, 0, 0, null, List.of(), null);
    }

    // ---- reading and writing ------------------------------------------------------------------------------

    /**
     * Reads a {@code run.json} file. Every problem (missing file, broken JSON, missing field, newer format) is a
     * {@link UserException} naming the file.
     */
    public static RunRecord read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException(file + " does not exist: this folder is not a run folder");
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses the text of a {@code run.json}; {@code source} names it in error messages. */
    public static RunRecord parse(String text, String source) {
        RunRecord r;
        try {
            r = Json.MAPPER.readValue(text, RunRecord.class);
        } catch (JsonProcessingException e) {
            // A failed check in the record or enum (missing field, unknown status) says it best; Jackson's own
            // wrapper message names Java classes.
            String problem = e.getCause() instanceof IllegalArgumentException iae ? iae.getMessage()
                    : e.getOriginalMessage();
            throw new UserException(source + " is not a valid run record" + where(e.getLocation()) + ": "
                    + problem, e);
        }
        if (r == null) {
            throw new UserException(source + " is empty: expected a run record (JSON object)");
        }
        if (r.schemaVersion() > SCHEMA_VERSION) {
            throw new UserException(source + " has schema_version " + r.schemaVersion() + " but this LoRA Studio "
                    + "reads up to " + SCHEMA_VERSION + "; update LoRA Studio to open this run");
        }
        if (r.schemaVersion() < 1) {
            throw new UserException(source + " has no valid schema_version (found " + r.schemaVersion() + ")");
        }
        return r;
    }

    private static String where(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 1 ? "" : " (line " + loc.getLineNr() + ", column "
                + loc.getColumnNr() + ")";
    }

    /** Writes this record atomically (temp file, fsync, move) as pretty-printed JSON with a final newline. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, toJson());
    }

    /** This record as pretty-printed JSON, fields in a fixed order. */
    public String toJson() {
        try {
            return Json.PRETTY.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            // Every field type is a record, enum, string, number, list or Instant: failure is a programming error.
            throw new IllegalStateException("run record cannot be serialized", e);
        }
    }

    // ---- derived values -----------------------------------------------------------------------------------

    /** Wall time from start (or creation) to end, or to {@code now} while running. */
    public Optional<Duration> duration(Instant now) {
        Instant from = started != null ? started : created;
        if (from == null) {
            return Optional.empty();
        }
        Instant to = ended != null ? ended : status == RunStatus.RUNNING ? now : null;
        return to == null ? Optional.empty() : Optional.of(Duration.between(from, to));
    }

    /** The parsed run id. */
    public RunId runId() {
        return new RunId(id);
    }

    // ---- immutable updates --------------------------------------------------------------------------------

    public RunRecord withStatus(RunStatus newStatus) {
        return new RunRecord(schemaVersion, id, name, modelType, newStatus, created, started, ended, seed, device,
                precision, versions, baseModel, dataset, parentRunId, totalSteps, stepsDone, finalMetrics,
                outputFiles, error);
    }

    /** Marks training as begun (after loading) at {@code time}, with status {@code running}. */
    public RunRecord started(Instant time) {
        return new RunRecord(schemaVersion, id, name, modelType, RunStatus.RUNNING, created, millis(time), null,
                seed, device, precision, versions, baseModel, dataset, parentRunId, totalSteps, stepsDone,
                finalMetrics, outputFiles, null);
    }

    public RunRecord withSeed(long newSeed) {
        return new RunRecord(schemaVersion, id, name, modelType, status, created, started, ended, newSeed, device,
                precision, versions, baseModel, dataset, parentRunId, totalSteps, stepsDone, finalMetrics,
                outputFiles, error);
    }

    public RunRecord withDevice(String newDevice, String newPrecision) {
        return new RunRecord(schemaVersion, id, name, modelType, status, created, started, ended, seed, newDevice,
                newPrecision, versions, baseModel, dataset, parentRunId, totalSteps, stepsDone, finalMetrics,
                outputFiles, error);
    }

    public RunRecord withBaseModel(ModelIdentity model) {
        return new RunRecord(schemaVersion, id, name, modelType, status, created, started, ended, seed, device,
                precision, versions, model, dataset, parentRunId, totalSteps, stepsDone, finalMetrics,
                outputFiles, error);
    }

    public RunRecord withDataset(DatasetFingerprint fingerprint) {
        return new RunRecord(schemaVersion, id, name, modelType, status, created, started, ended, seed, device,
                precision, versions, baseModel, fingerprint, parentRunId, totalSteps, stepsDone, finalMetrics,
                outputFiles, error);
    }

    public RunRecord withParent(String parentId) {
        return new RunRecord(schemaVersion, id, name, modelType, status, created, started, ended, seed, device,
                precision, versions, baseModel, dataset, parentId, totalSteps, stepsDone, finalMetrics,
                outputFiles, error);
    }

    public RunRecord withTotalSteps(long steps) {
        return new RunRecord(schemaVersion, id, name, modelType, status, created, started, ended, seed, device,
                precision, versions, baseModel, dataset, parentRunId, steps, stepsDone, finalMetrics,
                outputFiles, error);
    }

    public RunRecord withStepsDone(long steps) {
        return new RunRecord(schemaVersion, id, name, modelType, status, created, started, ended, seed, device,
                precision, versions, baseModel, dataset, parentRunId, totalSteps, steps, finalMetrics,
                outputFiles, error);
    }

    public RunRecord withOutputFiles(List<String> files) {
        return new RunRecord(schemaVersion, id, name, modelType, status, created, started, ended, seed, device,
                precision, versions, baseModel, dataset, parentRunId, totalSteps, stepsDone, finalMetrics,
                files, error);
    }

    public RunRecord withFinalMetrics(FinalMetrics metrics) {
        return new RunRecord(schemaVersion, id, name, modelType, status, created, started, ended, seed, device,
                precision, versions, baseModel, dataset, parentRunId, totalSteps, stepsDone, metrics,
                outputFiles, error);
    }

    /** The run finished all its steps at {@code time}. */
    public RunRecord completed(Instant time, FinalMetrics metrics, List<String> files) {
        return ended(RunStatus.COMPLETED, time, null).withFinalMetrics(metrics).withOutputFiles(files);
    }

    /** The run failed now with {@code message} (one plain sentence, shown to the user). */
    public RunRecord failed(String message) {
        return failed(message, Instant.now());
    }

    /** The run failed at {@code time} with {@code message}. */
    public RunRecord failed(String message, Instant time) {
        return ended(RunStatus.FAILED, time, Objects.requireNonNull(message, "message"));
    }

    /** The user stopped the run at {@code time} (a checkpoint was saved, so it can be resumed). */
    public RunRecord stopped(Instant time) {
        return ended(RunStatus.STOPPED, time, null);
    }

    private RunRecord ended(RunStatus newStatus, Instant time, String message) {
        return new RunRecord(schemaVersion, id, name, modelType, newStatus, created, started, millis(time), seed,
                device, precision, versions, baseModel, dataset, parentRunId, totalSteps, stepsDone, finalMetrics,
                outputFiles, message);
    }

    private static void required(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("missing required field \"" + field + "\"");
        }
    }

    private static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }
}
