package org.lorastudio.ui.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import ai.djl.ndarray.NDManager;
import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoLlmGenerator;
import org.lorastudio.llm.PeftAdapter;
import org.lorastudio.llm.PeftConfig;
import org.lorastudio.lora.LoraLayer;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunStatus;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainingEvent;

/**
 * Language-model data for the studio tests: the demo-llm model and data set written by the project's own
 * generator into a temporary product layout ({@code models/demo-llm}, {@code workspace/datasets/demo-llm},
 * {@code workspace/configs/demo-llm.yaml} = the shipped demo config), a tiny PEFT adapter with non-zero B (so the
 * adapted answer differs), and real short trainings.
 */
public final class LlmTestData {
    /** The shipped demo config; its relative paths also fit the temporary layout. */
    public static final Path DEMO_LLM_CONFIG = Path.of("resources/configs/demo-llm.yaml");

    private LlmTestData() {
    }

    /** Writes the layout under {@code root} and returns the workspace. */
    public static Path workspace(Path root) throws IOException {
        Path workspace = root.resolve("workspace");
        DemoLlmGenerator.generate(root.resolve("models/demo-llm"),
                workspace.resolve("datasets/demo-llm/units.json"), DemoLlmGenerator.DEFAULT_SEED);
        Files.createDirectories(workspace.resolve("configs"));
        Files.copy(DEMO_LLM_CONFIG, workspace.resolve("configs/demo-llm.yaml"));
        return workspace;
    }

    public static Path model(Path workspace) {
        return workspace.resolveSibling("models").resolve("demo-llm");
    }

    public static Path config(Path workspace) {
        return workspace.resolve("configs/demo-llm.yaml");
    }

    /** A rank-4 adapter on q/v/o_proj with Gaussian B: the adapted model answers differently from the base. */
    public static Path tinyAdapter(Path model, Path folder) throws IOException {
        PeftConfig cfg = new PeftConfig(4, 8, List.of("q_proj", "v_proj", "o_proj"), Optional.empty(), 0, false,
                "CAUSAL_LM", Optional.of(model.toString()));
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaForCausalLM lm = LlamaForCausalLM.fromPretrained(model, m);
            LoraNetwork net = PeftAdapter.create(lm, cfg, m, new Random(5));
            Random r = new Random(6);
            for (LoraLayer l : net.layers().values()) {
                float[] up = new float[Math.toIntExact(l.up().size())];
                for (int i = 0; i < up.length; i++) {
                    up[i] = (float) r.nextGaussian();
                }
                l.up().set(up);
            }
            PeftAdapter.write(net, folder, cfg);
        }
        return folder;
    }

    /**
     * Trains the demo-llm config for {@code steps} steps (samples every {@code sampleEvery}, 0 = none) with
     * {@code overrides} and returns the completed run.
     */
    public static RunFolder train(Path workspace, String name, int steps, int sampleEvery, List<String> overrides)
            throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("name=" + name, "max_train_steps=" + steps,
                "sample_every_n_steps=" + sampleEvery, "save_steps=0"));
        all.addAll(overrides);
        TrainingConfig c = ConfigLoader.load(config(workspace), all).config();
        Trainer t = Trainer.start(c, workspace, Optional.empty());
        StringBuilder failure = new StringBuilder();
        t.addListener(e -> {
            if (e instanceof TrainingEvent.Failed f) {
                failure.append(f.reason());
            }
        });
        RunStatus s = t.run();
        if (s != RunStatus.COMPLETED) {
            throw new AssertionError("training " + name + " ended " + s + ": " + failure);
        }
        return t.runFolder();
    }
}
