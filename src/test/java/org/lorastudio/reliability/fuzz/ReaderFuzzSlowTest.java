package org.lorastudio.reliability.fuzz;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The full fuzzing budget of issue 9: 100,000 mutated inputs per reader (the CLIP tokenizer files 25,000), with a
 * seed of its own so that it explores other inputs than the default suite. Tagged slow; {@code .ci/run} or a
 * developer runs it with {@code mvn -o test -Dsurefire.excludedGroups= -Dtest=ReaderFuzzSlowTest}.
 */
@Tag("slow")
class ReaderFuzzSlowTest {
    private static final long INPUTS = Long.getLong("lorastudio.fuzz.full", 100_000);
    private static final long SEED = ReaderFuzzTest.SEED + 1;

    @Test
    void safetensorsReader() throws Exception {
        ReaderFuzzTest.fuzz(new SafetensorsTarget(), INPUTS, SEED, null);
    }

    @Test
    void loraFileReader() throws Exception {
        ReaderFuzzTest.fuzz(new LoraTarget(), INPUTS, SEED, null);
    }

    @Test
    void yamlConfigLoader() throws Exception {
        ReaderFuzzTest.fuzz(new ConfigTarget(), INPUTS, SEED, null);
    }

    @Test
    void metadataCsvReader() throws Exception {
        ReaderFuzzTest.fuzz(new MetadataTarget("csv"), INPUTS, SEED, null);
    }

    @Test
    void metadataJsonlReader() throws Exception {
        ReaderFuzzTest.fuzz(new MetadataTarget("jsonl"), INPUTS, SEED, null);
    }

    @Test
    void clipTokenizerOnCaptions() throws Exception {
        ReaderFuzzTest.fuzz(new ClipTokenizerTarget(), INPUTS, SEED, null);
    }

    @Test
    void clipTokenizerFiles() throws Exception {
        ReaderFuzzTest.fuzz(new ClipFilesTarget(), INPUTS / 4, SEED, null);
    }
}
