package org.lorastudio.config;

/** The groups of the config, in the order they appear in saved YAML, in the docs and in the form. */
public enum Section {
    MODEL("Model", "what is trained, on which base model"),
    DATA("Data", "where the training data is and how images are prepared"),
    LORA("LoRA", "the adapter: rank, scale and which layers get one"),
    OPTIMIZER("Optimizer", "learning rates and optimizer settings"),
    SCHEDULE("Schedule", "batches, epochs, steps, learning-rate schedule and seed"),
    SAVING("Saving", "where runs go and when LoRA files are written"),
    SAMPLING("Sampling", "sample images or texts generated during training"),
    AUGMENTATION("Augmentation", "caption and image augmentation (image models)"),
    ADVANCED("Advanced", "precision, device, memory and loss details"),
    LLM("LLM", "language-model data settings");

    private final String title;
    private final String description;

    Section(String title, String description) {
        this.title = title;
        this.description = description;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }
}
