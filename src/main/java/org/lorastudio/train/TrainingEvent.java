package org.lorastudio.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What the trainer thread tells its listeners (the console, the studio). Plain Java values only: no NDArray ever
 * leaves the trainer thread (STYLE 7). Listeners are called on the trainer thread and must return quickly; the
 * studio coalesces them onto the FX thread.
 */
public sealed interface TrainingEvent {

    /** A line for the log. */
    record Log(String message) implements TrainingEvent {
    }

    /** Loading or caching progress before step 1 ({@code done} of {@code total} units of {@code what}). */
    record Preparing(String what, int done, int total) implements TrainingEvent {
    }

    /** Training is about to take step {@code startStep + 1} of {@code totalSteps}. */
    record Started(Path runDir, String runId, int startStep, int totalSteps, int stepsPerEpoch, String device,
                   String precision, long trainableParameters) implements TrainingEvent {
    }

    /** One optimizer step finished. */
    record Step(int step, int totalSteps, int epoch, double loss, double lr, double itemsPerSecond,
                double secondsElapsed, double etaSeconds, double gradNorm) implements TrainingEvent {
    }

    /** The validation loss of the weights after {@code step} (issue 16). */
    record ValidationLoss(int step, double loss) implements TrainingEvent {
    }

    /** Sample images (or texts) for the prompts, written at {@code step}. */
    record SampleReady(int step, List<String> prompts, List<Path> files) implements TrainingEvent {
    }

    /** A LoRA file and a resumable checkpoint were saved. */
    record CheckpointSaved(int step, Path lora, Path checkpoint) implements TrainingEvent {
    }

    /** The run ended as completed or stopped. */
    record Finished(Path runDir, String status, int stepsDone, List<Path> loraFiles, double finalLoss,
                    double seconds) implements TrainingEvent {
    }

    /** The run failed: a plain-language reason and what to try first. */
    record Failed(Path runDir, String reason, String advice) implements TrainingEvent {
    }
}
