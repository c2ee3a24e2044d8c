package org.lorastudio.train;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.run.FileErrors;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.safetensors.SafetensorsWriter;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.FaultPoints;
import org.lorastudio.util.UserException;
import org.lorastudio.util.TextFiles;

/**
 * A resumable training state in {@code checkpoints/step-NNNNNN/}: the LoRA weights in float32 ({@code lora.safetensors}),
 * each optimizer's state ({@code optimizer-<group>.safetensors}) and {@code state.json} (step, elapsed time, loss
 * scaler). Everything else a run needs to continue — data order, noise, timesteps, dropout — is re-derived from the
 * seed and the step, so nothing else is saved. The folder is written under a temporary name and renamed when
 * complete, so a crash mid-write never leaves a checkpoint that looks valid.
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATE = "state.json";

    /**
     * The scalar part of a checkpoint; the last three are the {@link LossScaler}'s (a checkpoint written before the
     * counters existed reads them as 0).
     */
    public record State(int step, double elapsedSeconds, double lossScale, int cleanSteps, int skippedSteps) {
    }

    private Checkpoint() {
    }

    public static Path dirFor(Path checkpoints, int step) {
        return checkpoints.resolve(String.format("step-%06d", step));
    }

    /** Writes a checkpoint for {@code step} and keeps only the newest {@code keep} checkpoints. */
    public static Path save(Path checkpoints, State state, Map<String, NDArray> lora, Map<String, Optimizer> optimizers,
                            int keep) throws IOException {
        Path target = dirFor(checkpoints, state.step());
        Path tmp = checkpoints.resolve(".tmp-" + target.getFileName());
        try {
            write(tmp, state, lora, optimizers);
        } catch (IOException e) {
            // a full disk: give the space of the unfinished copy back at once (and never leave it lying around)
            try {
                deleteTree(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw FileErrors.naming(target, e);
        }
        FaultPoints.reached("checkpoint.before-rename");
        deleteTree(target);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
        FaultPoints.reached("checkpoint.after-rename");
        prune(checkpoints, keep);
        return target;
    }

    private static void write(Path tmp, State state, Map<String, NDArray> lora, Map<String, Optimizer> optimizers)
            throws IOException {
        deleteTree(tmp);
        Files.createDirectories(tmp);
        SafetensorsWriter w = new SafetensorsWriter();
        lora.forEach((k, a) -> w.addFloats(k, a.getShape().getShape(), a.toType(DataType.FLOAT32, false)
                .toFloatArray(), DType.F32));
        w.write(tmp.resolve("lora.safetensors"));
        FaultPoints.reached("checkpoint.mid");
        for (Map.Entry<String, Optimizer> e : optimizers.entrySet()) {
            e.getValue().state().save(tmp.resolve("optimizer-" + e.getKey() + ".safetensors"));
        }
        AtomicFiles.writeString(tmp.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
    }

    /** The newest complete checkpoint folder, if any. */
    public static Optional<Path> latest(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d{6,}"))
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .max(Comparator.comparing(p -> p.getFileName().toString()));
        }
    }

    public static State readState(Path dir) throws IOException {
        try {
            return JSON.readValue(TextFiles.readUtf8(dir.resolve(STATE)), State.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new UserException(dir.resolve(STATE) + " is damaged (" + e.getOriginalMessage()
                    + "); delete that checkpoint folder to resume from the one before");
        }
    }

    /** Reads the LoRA weights of a checkpoint into fresh (writable) float32 arrays of {@code manager}. */
    public static Map<String, NDArray> readLora(Path dir, NDManager manager) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("lora.safetensors"))) {
            for (String k : f.tensors().keySet()) {
                NDArray a = org.lorastudio.nn.Weights.owned(manager.create(f.readFloats(k),
                        new ai.djl.ndarray.types.Shape(f.info(k).shape())));
                a.setName(k);
                out.put(k, a);
            }
        }
        return out;
    }

    public static OptimizerState readOptimizer(Path dir, String group) throws IOException {
        Path f = dir.resolve("optimizer-" + group + ".safetensors");
        if (!Files.isRegularFile(f)) {
            throw new UserException(dir + " has no optimizer state for '" + group + "'; the checkpoint does not"
                    + " match this config");
        }
        return OptimizerState.load(f);
    }

    private static void prune(Path checkpoints, int keep) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(checkpoints)) {
            s.filter(p -> p.getFileName().toString().matches("step-\\d{6,}")).sorted().forEach(all::add);
        }
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
