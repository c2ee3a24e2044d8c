package org.lorastudio.ui.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.PromptTemplate;
import org.lorastudio.llm.PromptTemplates;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.ui.llm.LlmTestData;
import org.lorastudio.util.UserException;

/** The Generate screen's text mode without the toolkit: the job the form builds, adapters found, real answers. */
class TextGenerateViewModelTest {
    static Path root;
    static Path workspace;
    static Path model;
    static Path adapter;
    static GenerationEngine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() throws Exception {
        root = Files.createTempDirectory("text-vm");
        workspace = LlmTestData.workspace(root);
        model = LlmTestData.model(workspace);
        adapter = LlmTestData.tinyAdapter(model, root.resolve("adapter"));
        engine = new GenerationEngine();
    }

    @AfterAll
    static void tearDown() {
        engine.close();
        org.lorastudio.ui.common.FxTestSupport.deleteTree(root);
    }

    static TextGenerateViewModel form() {
        TextGenerateViewModel vm = new TextGenerateViewModel(engine, model, workspace.resolve("runs"), Runnable::run,
                Runnable::run);
        vm.promptProperty().set("Convert 5 meters to centimeters.");
        vm.maxNewTokensProperty().set(12);
        return vm;
    }

    @Test
    void buildsTheJobOfGenerateText() {
        TextGenerateViewModel vm = form();
        GenerationEngine.TextJob job = vm.buildJob();
        assertThat(job.model()).isEqualTo(model);
        assertThat(job.adapter()).isEmpty();
        assertThat(job.prompt()).isEqualTo(PromptTemplates.prompt(PromptTemplate.ALPACA,
                "Convert 5 meters to centimeters.")).endsWith("### Response:\n");
        assertThat(job.settings().temperature()).isZero(); // greedy by default
        assertThat(job.settings().maxNewTokens()).isEqualTo(12);

        vm.greedyProperty().set(false);
        vm.temperatureProperty().set(0.8);
        vm.topPProperty().set(0.95);
        vm.seedProperty().set(9);
        vm.templateProperty().set(PromptTemplate.PLAIN);
        vm.adapterPathProperty().set(adapter.toString());
        job = vm.buildJob();
        assertThat(job.prompt()).isEqualTo("Convert 5 meters to centimeters.");
        assertThat(job.adapter()).contains(adapter);
        assertThat(job.settings()).extracting(s -> s.temperature(), s -> s.topP(), s -> s.seed())
                .containsExactly(0.8, 0.95, 9L);
    }

    @Test
    void reportsEveryProblemOfTheFormAtOnce() {
        TextGenerateViewModel vm = form();
        vm.modelPathProperty().set(tmp.resolve("nope").toString());
        vm.adapterPathProperty().set(tmp.toString()); // a folder without adapter_config.json
        vm.promptProperty().set("  ");
        vm.greedyProperty().set(false);
        vm.topPProperty().set(0);
        assertThatThrownBy(vm::buildJob).isInstanceOf(UserException.class)
                .hasMessageContaining("language model folder not found")
                .hasMessageContaining("has no adapter_config.json")
                .hasMessageContaining("the prompt is empty")
                .hasMessageContaining("top-p must be in (0, 1]");
        vm.generate();
        assertThat(vm.messageProperty().get()).contains("the prompt is empty");
        assertThat(vm.runningProperty().get()).isFalse();
    }

    @Test
    void generatesBaseAndAdaptedAnswersThatDiffer() throws Exception {
        TextGenerateViewModel vm = form();
        vm.adapterPathProperty().set(adapter.toString());
        List<String> streamed = new java.util.ArrayList<>();
        vm.baseAnswerProperty().addListener((o, a, b) -> streamed.add(b));
        GenerationEngine.TextOutcome o = vm.generate().get(120, TimeUnit.SECONDS);
        assertThat(o.cancelled()).isFalse();
        assertThat(o.adapted()).isPresent();
        assertThat(vm.baseAnswerProperty().get()).isEqualTo(o.base().text()).isNotEmpty();
        assertThat(vm.adaptedAnswerProperty().get()).isEqualTo(o.adapted().get().text());
        assertThat(vm.adaptedAnswerProperty().get()).isNotEqualTo(vm.baseAnswerProperty().get());
        assertThat(vm.baseStatsProperty().get()).contains("new tokens in");
        assertThat(vm.adaptedTitleProperty().get()).isEqualTo("Adapted · adapter");
        assertThat(vm.progressProperty().get()).isEqualTo(1.0);
        assertThat(vm.progressTextProperty().get()).startsWith("2 answers in");
        assertThat(streamed.size()).as("the base answer arrives token by token").isGreaterThan(2);
        assertThat(engine.loadedModel().get()).contains(model.toAbsolutePath().normalize());

        // the same core code as generate-text: the base answer is the CLI's greedy answer
        TextGenerateViewModel again = form();
        again.generate().get(60, TimeUnit.SECONDS);
        assertThat(again.baseAnswerProperty().get()).isEqualTo(vm.baseAnswerProperty().get());
        assertThat(again.adaptedAnswerProperty().get()).isEmpty();
        assertThat(again.adaptedTitleProperty().get()).contains("no adapter");
    }

    @Test
    void cancelStopsAfterTheCurrentTokenAndKeepsTheAnswerSoFar() throws Exception {
        TextGenerateViewModel vm = form();
        vm.adapterPathProperty().set(adapter.toString());
        vm.maxNewTokensProperty().set(200);
        AtomicReference<TextGenerateViewModel> ref = new AtomicReference<>(vm);
        vm.baseAnswerProperty().addListener((o, a, b) -> {
            if (b.length() >= 3) {
                ref.get().cancel(); // called on the engine thread here (fx = direct): a click between tokens
            }
        });
        GenerationEngine.TextOutcome o = vm.generate().get(120, TimeUnit.SECONDS);
        assertThat(o.cancelled()).isTrue();
        assertThat(o.adapted()).isEmpty();
        assertThat(o.base().newTokens()).isLessThan(200);
        assertThat(vm.progressTextProperty().get()).isEqualTo("Cancelled");
        assertThat(vm.runningProperty().get()).isFalse();
    }

    @Test
    void anAdapterForAnotherModelIsRefusedWithItsName() throws Exception {
        TextGenerateViewModel vm = form();
        vm.adapterPathProperty().set(Fixtures.path("llama-tiny-a/adapter").toString());
        assertThatThrownBy(() -> vm.generate().get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(UserException.class);
        assertThat(vm.messageProperty().get()).contains("adapter does not fit this model");
        assertThat(vm.baseAnswerProperty().get()).isEmpty();
    }

    @Test
    void findsTheRunsAdaptersNewestRunFirstFinalBeforeSteps() throws Exception {
        Path runs = tmp.resolve("runs");
        for (String d : List.of("20260101-100000-a/demo-llm", "20260101-100000-a/demo-llm-step50",
                "20260101-100000-a/demo-llm-step100", "20260102-090000-b/demo-llm")) {
            Files.createDirectories(runs.resolve(d));
            Files.writeString(runs.resolve(d).resolve("adapter_config.json"), "{}");
        }
        Files.createDirectories(runs.resolve("20260101-100000-a/samples"));
        Files.createDirectories(runs.resolve("20260103-000000-sd"));
        Files.writeString(runs.resolve("20260103-000000-sd/sd.safetensors"), "x");
        assertThat(TextGenerateViewModel.findAdapters(runs)).extracting(TextGenerateViewModel.AdapterChoice::label)
                .containsExactly("20260102-090000-b / demo-llm", "20260101-100000-a / demo-llm",
                        "20260101-100000-a / demo-llm-step100", "20260101-100000-a / demo-llm-step50");
        assertThat(TextGenerateViewModel.findAdapters(tmp.resolve("none"))).isEmpty();

        TextGenerateViewModel vm = new TextGenerateViewModel(engine, model, runs, Runnable::run, Runnable::run);
        vm.refreshAdapters().get(10, TimeUnit.SECONDS);
        assertThat(vm.adapters()).hasSize(4);
        assertThat(vm.adapters().get(0).folder()).isEqualTo(runs.resolve("20260102-090000-b/demo-llm"));
    }

    @Test
    void anAdapterOfARunSetsTheTemplateItWasTrainedWith() throws Exception {
        Path run = tmp.resolve("runs/20260101-100000-plain");
        Files.createDirectories(run.resolve("demo-llm"));
        Files.writeString(run.resolve("demo-llm/adapter_config.json"), "{}");
        Files.writeString(run.resolve("config.yaml"), "name: plain\nmodel_type: llm\nprompt_template: plain\n");
        TextGenerateViewModel vm = form();
        assertThat(vm.templateProperty().get()).isEqualTo(PromptTemplate.ALPACA);
        vm.adapterPathProperty().set(run.resolve("demo-llm").toString());
        assertThat(vm.templateProperty().get()).isEqualTo(PromptTemplate.PLAIN);
        vm.adapterPathProperty().set(adapter.toString()); // not in a run: the form keeps its choice
        assertThat(vm.templateProperty().get()).isEqualTo(PromptTemplate.PLAIN);
        Files.writeString(run.resolve("config.yaml"), "prompt_template: alpaca\n");
        assertThat(TextGenerateViewModel.trainingTemplate(run.resolve("demo-llm").toString()))
                .contains(PromptTemplate.ALPACA);
    }

    @Test
    void tellsLanguageModelsFromDiffusionModels() {
        assertThat(TextGenerateViewModel.isLanguageModel(model)).isTrue();
        assertThat(TextGenerateViewModel.isLanguageModel(Fixtures.path("llama-tiny-a"))).isTrue();
        assertThat(TextGenerateViewModel.isLanguageModel(Fixtures.path("sd-tiny-a/model-diffusers"))).isFalse();
        assertThat(TextGenerateViewModel.isLanguageModel(Fixtures.path("sd-tiny-a/model-diffusers/unet"))).isFalse();
        assertThat(TextGenerateViewModel.isLanguageModel(adapter)).isFalse();
        assertThat(TextGenerateViewModel.isLanguageModel("")).isFalse();
        assertThat(TextGenerateViewModel.isLanguageModel((String) null)).isFalse();
    }
}
