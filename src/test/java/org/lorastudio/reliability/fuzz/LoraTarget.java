package org.lorastudio.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.lorastudio.lora.LoraFile;
import org.lorastudio.util.UserException;

/**
 * {@link LoraFile#read}, the reader behind "load a LoRA someone shared" (the generate screen, compare, PEFT
 * adapters). Accepted files must hold, for every module, a down and an up matrix that share a positive rank,
 * weights of the size their shapes say and a finite alpha.
 */
final class LoraTarget implements FuzzTarget {
    static final String FILE = "shared-lora.safetensors";
    private final Path dir;
    private final Path file;

    LoraTarget() throws java.io.IOException {
        dir = Corpus.scratch(name());
        file = dir.resolve(FILE);
    }

    @Override
    public String name() {
        return "lora";
    }

    @Override
    public List<String> dictionary() {
        return List.of("lora_unet_", "lora_te_", "lora_te1_", ".lora_down.weight", ".lora_up.weight", ".alpha",
                "unet.", "text_encoder.", "base_model.model.", ".lora_A.weight", ".lora_B.weight", ".lora.down.weight",
                ".processor.to_q_lora.down.weight", ".processor.to_out_lora.up.weight",
                ".lora_linear_layer.up.weight", "\"F16\"", "\"BF16\"", "\"I8\"", "[0,0]", "[]", "\"shape\":[0,4]",
                "\"__metadata__\"", "1e999", "\"\\u0000\"");
    }

    @Override
    public int maxLength() {
        return 8 << 10;
    }

    @Override
    public byte[] structural(byte[] input, Mutator m) {
        return HeaderMutation.mutate(input, m, new String[][] {{"lora_down", "lora_up"}, {"lora_A", "lora_B"},
            {".down.", ".up."}, {"lora_unet_", "lora_te_"}, {"unet.", "text_encoder."}, {"lora_te_", "lora_te1_"},
            {".alpha", ".lora_down.weight"}, {"unet.", "base_model.model."}, {"lora_A.weight", "lora.down.weight"}});
    }

    @Override
    public String run(byte[] input) throws Exception {
        Files.write(file, input);
        LoraFile lora = LoraFile.read(file);
        assertThat(lora.modules()).isNotEmpty();
        for (LoraFile.ModuleWeights w : lora.modules().values()) {
            assertThat(w.downShape().length).as("down rank of %s", w.name()).isGreaterThanOrEqualTo(2);
            assertThat(w.upShape()[1]).as("up/down rank of %s", w.name()).isEqualTo(w.downShape()[0]);
            assertThat(w.rank()).as("rank of %s", w.name()).isPositive();
            assertThat(w.down()).hasSize((int) product(w.downShape()));
            assertThat(w.up()).hasSize((int) product(w.upShape()));
            assertThat(Float.isFinite(w.alpha())).as("alpha %s of %s is finite", w.alpha(), w.name()).isTrue();
        }
        return "accepted";
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        return p;
    }

    @Override
    public boolean isClearRejection(Throwable t) {
        return t instanceof UserException && t.getMessage().startsWith(FILE + ": ") && !t.getMessage().contains("\n");
    }

    @Override
    public void close() throws Exception {
        Corpus.delete(dir);
    }
}
