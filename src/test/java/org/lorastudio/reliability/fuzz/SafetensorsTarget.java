package org.lorastudio.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsException;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.safetensors.TensorInfo;

/**
 * {@link SafetensorsFile}: open the file, then read every tensor the header lists (floats, integers or the raw
 * mapping), as the model loaders do. Accepted files must describe a data section that their tensors tile exactly.
 */
final class SafetensorsTarget implements FuzzTarget {
    static final String FILE = "fuzz.safetensors";
    private final Path dir;
    private final Path file;

    SafetensorsTarget() throws java.io.IOException {
        dir = Corpus.scratch(name());
        file = dir.resolve(FILE);
    }

    @Override
    public String name() {
        return "safetensors";
    }

    @Override
    public List<String> dictionary() {
        return List.of("\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"F16\"",
                "\"BF16\"", "\"I64\"", "\"BOOL\"", "\"F8_E4M3\"", "[]", "{}", "[0,0]", "[1152921504606846976]",
                "[9223372036854775807,1]", "[-1]", "[1.5]", "null", "true", "\"\\u0000\"", "\"\\ud800\"", "{\"a\":",
                "[[[[[[[[[[", "1e999", ",", ":");
    }

    @Override
    public int maxLength() {
        return 8 << 10;
    }

    @Override
    public byte[] structural(byte[] input, Mutator m) {
        return HeaderMutation.mutate(input, m, new String[][] {{"weight", "bias"}});
    }

    @Override
    public String run(byte[] input) throws Exception {
        Files.write(file, input);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            long covered = 0;
            for (TensorInfo t : f.tensors().values()) {
                assertThat(t.end()).as("end of %s", t.name()).isLessThanOrEqualTo(f.dataSize());
                covered += t.byteSize();
                if (t.dtype().isFloat()) {
                    assertThat(f.readFloats(t.name())).hasSize((int) t.numel());
                } else if (t.dtype() == DType.F8_E4M3 || t.dtype() == DType.F8_E5M2) {
                    assertThat(f.map(t.name()).remaining()).isEqualTo((int) t.byteSize());
                } else {
                    assertThat(f.readLongs(t.name())).hasSize((int) t.numel());
                }
            }
            assertThat(covered).as("bytes covered by tensors").isEqualTo(f.dataSize());
            f.metadata().forEach((k, v) -> assertThat(v).isNotNull());
        }
        return "accepted";
    }

    @Override
    public boolean isClearRejection(Throwable t) {
        return t instanceof SafetensorsException && t.getMessage().startsWith(FILE + ": ")
                && !t.getMessage().contains("\n");
    }

    @Override
    public void close() throws Exception {
        Corpus.delete(dir);
    }
}
