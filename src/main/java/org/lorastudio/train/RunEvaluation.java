package org.lorastudio.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

import ai.djl.ndarray.NDManager;
import org.lorastudio.run.PerImageLoss;
import org.lorastudio.run.ValidationSet;
import org.lorastudio.util.UserException;

/**
 * The trainer's two loss measurements of issue 16, kept out of its loop: each training item's running mean loss
 * (written to {@code per_image_loss.json} with every checkpoint and at the end) and the validation loss every
 * {@code validation_every_n_steps} steps and at the last step. Neither touches the weights or a random stream the
 * training reads, so a run with them trains bit for bit like one without.
 */
final class RunEvaluation {
    private final TrainingTask task;
    private final Path runDir;
    private final int everyNSteps;
    private final boolean validates;
    private PerImageLoss perItem = new PerImageLoss();

    private RunEvaluation(TrainingTask task, Path runDir, int everyNSteps) {
        this.task = task;
        this.runDir = runDir;
        this.everyNSteps = everyNSteps;
        this.validates = task.validationSet().isPresent();
    }

    /**
     * Records the task's validation set in the run folder (a resumed run must hold out the same items) and, when
     * resuming from {@code startStep}, takes over the per-image losses saved with that checkpoint.
     */
    static RunEvaluation start(TrainingTask task, Path runDir, int everyNSteps, boolean resuming, int startStep,
                               Consumer<TrainingEvent> events) throws IOException {
        RunEvaluation e = new RunEvaluation(task, runDir, everyNSteps);
        Optional<ValidationSet> now = task.validationSet();
        Optional<ValidationSet> recorded = resuming ? ValidationSet.read(runDir) : Optional.empty();
        if (recorded.isPresent() && now.isPresent() && !recorded.get().items().equals(now.get().items())) {
            throw new UserException("the validation set of this run changed since it started (" + ValidationSet.FILE_NAME
                    + " lists " + recorded.get().items().size() + " items, the data now gives " + now.get().items().size()
                    + " or others); restore the data, or fork the run (`lorastudio runs fork`)");
        }
        if (now.isPresent() && recorded.isEmpty()) {
            now.get().write(runDir);
        }
        if (now.isPresent()) {
            events.accept(new TrainingEvent.Log("Validation loss on " + now.get().items().size() + " held-out item(s)"
                    + " (" + now.get().source() + "), listed in " + ValidationSet.FILE_NAME));
        }
        if (resuming && startStep > 0) {
            Optional<PerImageLoss.Snapshot> saved = PerImageLoss.read(runDir);
            if (saved.isPresent() && saved.get().step() == startStep) {
                e.perItem = PerImageLoss.of(saved.get());
            } else {
                events.accept(new TrainingEvent.Log(PerImageLoss.FILE_NAME + " does not match the checkpoint at step "
                        + startStep + "; the per-image losses start again from here"));
            }
        }
        return e;
    }

    /** Adds the per-item losses of one micro-batch of optimizer step {@code step} (1-based). */
    void add(int[] batch, float[] perItem, int step) {
        if (perItem == null) {
            return;
        }
        for (int i = 0; i < batch.length && i < perItem.length; i++) {
            this.perItem.add(task.itemName(batch[i]), perItem[i], step);
        }
    }

    /** The validation loss after {@code step} when it is due (every N steps and at the last step). */
    OptionalDouble validateAt(int step, int totalSteps, NDManager manager) {
        boolean due = step == totalSteps || everyNSteps > 0 && step % everyNSteps == 0;
        return validates && due ? OptionalDouble.of(task.validationLoss(manager)) : OptionalDouble.empty();
    }

    /** Writes {@code per_image_loss.json} for the numbers up to {@code step}. */
    void save(int step) throws IOException {
        perItem.write(runDir, step);
    }
}
