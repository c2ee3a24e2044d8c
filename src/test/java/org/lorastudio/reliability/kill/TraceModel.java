package org.lorastudio.reliability.kill;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault points one training session passes, in order, predicted from the config: the kill tests pick a point
 * (and its n-th hit) from this trace and then check that the process really died there, by comparing the newest
 * checkpoint on disk with the one the trace says is complete at that moment. A checkpoint that shows up too early
 * (listed before it is complete) or a point that never fires both fail the test.
 *
 * @param totalSteps max_train_steps
 * @param saveSteps save_steps (checkpoint and step LoRA)
 * @param sampleEvery sample_every_n_steps (one prompt)
 */
record TraceModel(int totalSteps, int saveSteps, int sampleEvery) {
    /** What a kill interrupts, for coverage. */
    enum Phase { STEP, CHECKPOINT, SAMPLE, FINAL }

    /**
     * One point of the trace.
     *
     * @param point the fault point name
     * @param hit which hit of that name within the session (1-based), i.e. the {@code n} of {@code point:n}
     * @param phase what it interrupts
     * @param step the training step it belongs to
     * @param checkpointAfter the newest complete checkpoint step if the process dies at this point
     */
    record Event(String point, int hit, Phase phase, int step, int checkpointAfter) {
        String spec() {
            return point + ":" + hit;
        }
    }

    /** The trace of a session that resumes from the checkpoint at {@code fromStep} (0: none) and runs to the end. */
    List<Event> session(int fromStep) {
        Builder b = new Builder(fromStep);
        int lastSampled = -1;
        for (int s = fromStep + 1; s <= totalSteps; s++) {
            b.add("step.before-update", Phase.STEP, s);
            b.add("metrics.mid-line", Phase.STEP, s);
            if (s % sampleEvery == 0) {
                b.png(Phase.SAMPLE, s);
                lastSampled = s;
            }
            if (s % saveSteps == 0 && s < totalSteps) {
                b.safetensors(Phase.CHECKPOINT, s); // the step LoRA file
                b.checkpoint(Phase.CHECKPOINT, s);
            }
        }
        b.add("final.before-save", Phase.FINAL, totalSteps);
        if (lastSampled != totalSteps) {
            b.png(Phase.SAMPLE, totalSteps);
        }
        b.safetensors(Phase.FINAL, totalSteps); // the final LoRA file
        b.checkpoint(Phase.FINAL, totalSteps);
        b.add("final.after-save", Phase.FINAL, totalSteps);
        b.add("finish.before-record", Phase.FINAL, totalSteps);
        return b.events;
    }

    private static final class Builder {
        final List<Event> events = new ArrayList<>();
        final Map<String, Integer> hits = new HashMap<>();
        int checkpoint;

        Builder(int checkpoint) {
            this.checkpoint = checkpoint;
        }

        void add(String point, Phase phase, int step) {
            int hit = hits.merge(point, 1, Integer::sum);
            events.add(new Event(point, hit, phase, step, checkpoint));
        }

        void png(Phase phase, int step) {
            add("atomic.mid-file.png", phase, step);
            add("atomic.before-move.png", phase, step);
        }

        void safetensors(Phase phase, int step) {
            add("atomic.mid-file.safetensors", phase, step);
            add("atomic.before-move.safetensors", phase, step);
        }

        void checkpoint(Phase phase, int step) {
            safetensors(phase, step); // lora.safetensors
            add("checkpoint.mid", phase, step);
            safetensors(phase, step); // optimizer-unet.safetensors
            add("checkpoint.before-rename", phase, step);
            checkpoint = step;
            add("checkpoint.after-rename", phase, step);
        }
    }
}
