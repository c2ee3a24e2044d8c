package org.lorastudio.ui.config;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.lorastudio.config.TrainingConfig;

/**
 * The step arithmetic the Config screen shows live (SPEC §7): how many optimizer steps a config makes on its data,
 * when LoRA files are saved and when samples are drawn, in the words a user checks a plan with, e.g. "24 images ×
 * 15 epochs ÷ batch 4 = 90 steps; checkpoints at 20, 40, 60, 80, 90; samples every 20 steps". Pure function over
 * {@link TrainingConfig}'s own step formulas, so the text and the trainer cannot disagree.
 */
final class StepArithmetic {
    /** Longer checkpoint lists are shortened to the first and last few. */
    static final int MAX_LISTED = 8;

    private StepArithmetic() {
    }

    /**
     * @param images        images in the data folder
     * @param itemsPerEpoch images counted with their kohya repeats
     */
    static String describe(TrainingConfig c, int images, int itemsPerEpoch) {
        return describe(c, images, itemsPerEpoch, "images");
    }

    /** @param unit what is counted: "images", or "examples" for a language model's data */
    static String describe(TrainingConfig c, int images, int itemsPerEpoch, String unit) {
        if (images == 0) {
            return "The data " + (unit.equals("images") ? "folder" : "file") + " has no " + unit
                    + " yet, so there is nothing to train on.";
        }
        int total = c.totalSteps(itemsPerEpoch);
        int perEpoch = c.stepsPerEpoch(itemsPerEpoch);
        StringBuilder sb = new StringBuilder();
        String data = images + " " + unit + (itemsPerEpoch != images ? " (" + itemsPerEpoch + " with repeats)" : "");
        String batch = "batch " + c.batchSize()
                + (c.gradientAccumulationSteps() > 1 ? " × " + c.gradientAccumulationSteps() + " accumulation" : "");
        if (c.maxTrainSteps().isPresent()) {
            sb.append("max_train_steps = ").append(total).append(" steps (overrides epochs; one epoch of ")
                    .append(data).append(" ÷ ").append(batch).append(" = ").append(perEpoch).append(" steps)");
        } else {
            sb.append(data).append(" × ").append(c.epochs()).append(c.epochs() == 1 ? " epoch" : " epochs")
                    .append(" ÷ ").append(batch).append(" = ").append(total).append(total == 1 ? " step" : " steps");
            if (itemsPerEpoch % c.effectiveBatchSize() != 0) {
                sb.append(" (").append(perEpoch).append(" per epoch, the last batch is smaller)");
            }
        }
        sb.append("; ");
        List<Integer> saves = new ArrayList<>(c.checkpointSteps(total));
        if (saves.isEmpty()) {
            sb.append("the LoRA is saved at the end (step ").append(total).append(')');
        } else {
            saves.add(total);
            sb.append("checkpoints at ").append(list(saves));
        }
        sb.append("; ");
        if (c.sampleEveryNSteps() == 0) {
            sb.append("no samples during training");
        } else {
            int count = total / c.sampleEveryNSteps();
            sb.append("samples every ").append(c.sampleEveryNSteps()).append(" steps (").append(count)
                    .append(count == 1 ? " time)" : " times)");
        }
        return sb.toString();
    }

    static String list(List<Integer> steps) {
        if (steps.size() <= MAX_LISTED) {
            return steps.stream().map(String::valueOf).collect(Collectors.joining(", "));
        }
        String head = steps.subList(0, 3).stream().map(String::valueOf).collect(Collectors.joining(", "));
        String tail = steps.subList(steps.size() - 2, steps.size()).stream().map(String::valueOf)
                .collect(Collectors.joining(", "));
        return head + ", … " + tail + " (" + steps.size() + " files)";
    }
}
