package org.lorastudio.ui.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import javafx.application.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.Sampler;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

class GenerateViewModelTest {
    static final Path MODEL = Fixtures.path("sd-tiny-a/model-diffusers");
    static final Path LORA = Fixtures.path("sd-tiny-a/lora-kohya.safetensors");
    static GenerationEngine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        try {
            Platform.startup(() -> { }); // FX images need the toolkit; the tests run headless on Monocle
        } catch (IllegalStateException alreadyRunning) {
            // started by another test class
        }
        engine = new GenerationEngine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static GenerateViewModel form() {
        GenerateViewModel vm = new GenerateViewModel(engine, MODEL, Runnable::run, Runnable::run);
        vm.promptProperty().set("a red circle on a white background");
        vm.widthProperty().set(64);
        vm.heightProperty().set(64);
        vm.stepsProperty().set(2);
        vm.seedProperty().set(7);
        return vm;
    }

    @Test
    void buildsOneRequestFromTheForm() {
        GenerateViewModel vm = form();
        vm.samplerProperty().set(Sampler.EULER_A);
        vm.negativePromptProperty().set("blurry");
        vm.addLora(LORA.toString(), 0.8);
        vm.addLora("", 1.0); // an empty row is ignored
        GenerationEngine.Job job = vm.buildJob();
        assertThat(job.model()).isEqualTo(MODEL);
        assertThat(job.loras()).containsExactly(LORA);
        assertThat(job.strengthSets()).containsExactly(List.of(0.8f));
        assertThat(job.request().sampler()).isEqualTo(Sampler.EULER_A);
        assertThat(job.request().negativePrompt()).isEqualTo("blurry");
        assertThat(job.request().seed()).isEqualTo(7);
        assertThat(job.request().width()).isEqualTo(64);
        assertThat(job.labels()).containsExactly("strength 0.8");
    }

    @Test
    void aSweepVariesTheFirstLoraAtOneSeed() {
        GenerateViewModel vm = form();
        vm.addLora(LORA.toString(), 1.0);
        vm.addLora(LORA.toString(), 0.3);
        vm.sweepProperty().set(true);
        GenerationEngine.Job job = vm.buildJob();
        assertThat(job.strengthSets()).containsExactly(List.of(0f, 0.3f), List.of(0.25f, 0.3f), List.of(0.5f, 0.3f),
                List.of(0.75f, 0.3f), List.of(1f, 0.3f));
        assertThat(job.labels()).containsExactly("strength 0", "strength 0.25", "strength 0.5", "strength 0.75",
                "strength 1");
    }

    @Test
    void reportsEveryProblemOfTheFormAtOnce() {
        GenerateViewModel vm = form();
        vm.modelPathProperty().set(tmp.resolve("nope").toString());
        vm.promptProperty().set(" ");
        vm.widthProperty().set(60);
        vm.sweepProperty().set(true);
        vm.sweepStrengthsProperty().set("0, half");
        vm.addLora(tmp.resolve("missing.safetensors").toString(), 1);
        assertThatThrownBy(vm::buildJob).isInstanceOf(UserException.class)
                .hasMessageContaining("base model not found")
                .hasMessageContaining("LoRA 1 not found")
                .hasMessageContaining("'half' is not a number")
                .hasMessageContaining("the prompt is empty")
                .hasMessageContaining("multiples of 8");
        vm.generate();
        assertThat(vm.messageProperty().get()).contains("base model not found");
        assertThat(vm.runningProperty().get()).isFalse();
    }

    @Test
    void generatesOnTheFixtureModelAndSavesAPng() throws Exception {
        GenerateViewModel vm = form();
        GenerationEngine.Outcome o = vm.generate().get(120, TimeUnit.SECONDS);
        assertThat(o.cancelled()).isFalse();
        assertThat(vm.results()).hasSize(1);
        GenerateViewModel.ResultImage img = vm.results().get(0);
        assertThat(img.image().getWidth()).isEqualTo(64);
        assertThat(img.pixels().getHeight()).isEqualTo(64);
        assertThat(vm.progressProperty().get()).isEqualTo(1.0);
        assertThat(vm.runningProperty().get()).isFalse();
        Path png = tmp.resolve("out/image.png");
        vm.save(img, png).get(10, TimeUnit.SECONDS);
        BufferedImage back = ImageIO.read(png.toFile());
        assertThat(back.getWidth()).isEqualTo(64);
        assertThat(back.getRGB(10, 10)).isEqualTo(img.pixels().getRGB(10, 10));
    }

    @Test
    void sweepWithALoraGivesOneImagePerStrengthAndZeroEqualsTheBase() throws Exception {
        GenerateViewModel vm = form();
        GenerationEngine.Outcome base = vm.generate().get(120, TimeUnit.SECONDS);
        vm.addLora(LORA.toString(), 1.0);
        vm.sweepProperty().set(true);
        vm.sweepStrengthsProperty().set("0, 1");
        GenerationEngine.Outcome sweep = vm.generate().get(120, TimeUnit.SECONDS);
        assertThat(sweep.images()).extracting(GenerationEngine.Generated::label)
                .containsExactly("strength 0", "strength 1");
        BufferedImage b = base.images().get(0).image();
        BufferedImage zero = sweep.images().get(0).image();
        BufferedImage one = sweep.images().get(1).image();
        assertThat(diff(b, zero)).as("strength 0 is the base model").isLessThanOrEqualTo(1);
        assertThat(diff(b, one)).as("strength 1 changes the image").isGreaterThan(0);
        // the side-cars were detached: the base model is untouched afterwards
        vm.loras().clear();
        vm.sweepProperty().set(false);
        assertThat(diff(b, vm.generate().get(120, TimeUnit.SECONDS).images().get(0).image())).isLessThanOrEqualTo(1);
    }

    @Test
    void cancelStopsAfterTheCurrentStep() throws Exception {
        GenerateViewModel vm = form();
        vm.stepsProperty().set(10);
        AtomicInteger steps = new AtomicInteger();
        AtomicBoolean cancel = new AtomicBoolean();
        GenerationEngine.Job job = vm.buildJob();
        GenerationEngine.Outcome o = engine.submit(job, (phase, image, images, step, total) -> {
            if (step >= 1) {
                steps.incrementAndGet();
                cancel.set(true);
            }
        }, cancel::get).get(120, TimeUnit.SECONDS);
        assertThat(o.cancelled()).isTrue();
        assertThat(o.images()).isEmpty();
        assertThat(steps.get()).isLessThan(10);

        // and through the view model: cancel while running leaves no result and says so
        vm.results().clear();
        var running = vm.generate();
        vm.cancel();
        GenerationEngine.Outcome viaVm = running.get(120, TimeUnit.SECONDS);
        assertThat(viaVm.cancelled()).isTrue();
        assertThat(vm.progressTextProperty().get()).isEqualTo("Cancelled");
    }

    @Test
    void aMissingModelFailsWithAPlainMessage() {
        GenerateViewModel vm = form();
        vm.modelPathProperty().set(tmp.toString()); // exists, but is not a model
        assertThatThrownBy(() -> vm.generate().join()).isInstanceOf(CompletionException.class);
        assertThat(vm.messageProperty().get()).isNotBlank();
        assertThat(vm.runningProperty().get()).isFalse();
    }

    private static int diff(BufferedImage a, BufferedImage b) {
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s < 24; s += 8) {
                    max = Math.max(max, Math.abs(((p >> s) & 255) - ((q >> s) & 255)));
                }
            }
        }
        return max;
    }

    @Test
    void theDefaultSizeIsTheModelsOwn() throws Exception {
        GenerateViewModel vm = new GenerateViewModel(engine, MODEL, Runnable::run, Runnable::run);
        // sd-tiny-a: UNet sample_size 8 x VAE factor 8 (4 levels)
        assertThat(vm.widthProperty().get()).isEqualTo(64);
        assertThat(vm.heightProperty().get()).isEqualTo(64);

        Path sd15 = java.nio.file.Files.createDirectories(tmp.resolve("sd15/unet"));
        java.nio.file.Files.createDirectories(tmp.resolve("sd15/vae"));
        Path keys = Fixtures.path("sd15-keys");
        java.nio.file.Files.copy(keys.resolve("unet-config.json"), sd15.resolve("config.json"));
        java.nio.file.Files.copy(keys.resolve("vae-config.json"), tmp.resolve("sd15/vae/config.json"));
        vm.modelPathProperty().set(tmp.resolve("sd15").toString());
        assertThat(vm.widthProperty().get()).isEqualTo(512);
        assertThat(vm.heightProperty().get()).isEqualTo(512);

        vm.widthProperty().set(96);
        vm.modelPathProperty().set(tmp.resolve("not-a-model").toString()); // unknown: the form keeps its size
        assertThat(vm.widthProperty().get()).isEqualTo(96);
        vm.modelPathProperty().set(Fixtures.path("sd-tiny-a/model-single.safetensors").toString());
        assertThat(vm.widthProperty().get()).as("a single file is SD 1.5").isEqualTo(512);
    }
}
