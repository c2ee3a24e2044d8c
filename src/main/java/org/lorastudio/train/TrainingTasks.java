package org.lorastudio.train;

import org.lorastudio.config.ModelType;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.train.sd.SdTrainingTask;
import org.lorastudio.util.UserException;

/** Chooses the {@link TrainingTask} for a config's model type. */
public final class TrainingTasks {
    private TrainingTasks() {
    }

    public static TrainingTask create(TrainingConfig config) {
        if (config.modelType() == ModelType.SD15) {
            return new SdTrainingTask(config);
        }
        if (config.modelType() == ModelType.LLM) {
            return new org.lorastudio.train.llm.LlmTrainingTask(config);
        }
        throw new UserException("model_type: " + config.modelType().yamlName() + " is not supported");
    }
}
