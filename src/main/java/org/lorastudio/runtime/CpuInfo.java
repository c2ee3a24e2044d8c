package org.lorastudio.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CPU this process runs on, as {@code /proc/cpuinfo} describes it (Linux): model name, vendor, family/model and
 * the vector instruction sets that decide which libtorch/oneDNN kernels run. Elsewhere only {@code os.arch} is known.
 */
public record CpuInfo(String model, String vendor, String familyModel, List<String> vectorIsa, int cores) {
    private static final List<String> ISA_ORDER = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
            "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_bf16", "amx_tile", "asimd", "sve");

    /** The current machine's CPU (read once per call; cheap). */
    public static CpuInfo current() {
        int cores = Runtime.getRuntime().availableProcessors();
        Path file = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(file)) {
            return new CpuInfo(System.getProperty("os.arch"), "unknown", "", List.of(), cores);
        }
        try {
            return parse(Files.readString(file), cores);
        } catch (IOException e) {
            return new CpuInfo(System.getProperty("os.arch"), "unknown", "", List.of(), cores);
        }
    }

    /** Reads the first processor block of a {@code /proc/cpuinfo} text. */
    static CpuInfo parse(String cpuinfo, int cores) {
        String model = null;
        String vendor = "unknown";
        String family = null;
        String modelNumber = null;
        List<String> flags = List.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                if (line.isBlank() && model != null) {
                    break; // the end of the first processor's block
                }
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "model name", "Model" -> model = model == null ? value : model;
                case "vendor_id", "CPU implementer" -> vendor = value;
                case "cpu family" -> family = value;
                case "model" -> modelNumber = value;
                case "flags", "Features" -> flags = List.of(value.toLowerCase(Locale.ROOT).split("\\s+"));
                default -> {
                }
            }
        }
        List<String> isa = new ArrayList<>();
        for (String f : ISA_ORDER) {
            if (flags.contains(f)) {
                isa.add(f);
            }
        }
        String fm = family == null ? "" : "family " + family + (modelNumber == null ? "" : " model " + modelNumber);
        return new CpuInfo(model == null ? System.getProperty("os.arch") : model, vendor, fm, List.copyOf(isa),
                cores);
    }

    /** The widest x86 vector extension present, for one-line descriptions: AVX-512, AVX2, AVX or SSE. */
    public String widestVectors() {
        if (vectorIsa.contains("avx512f")) {
            return "AVX-512";
        }
        if (vectorIsa.contains("avx2")) {
            return "AVX2";
        }
        if (vectorIsa.contains("avx")) {
            return "AVX";
        }
        if (vectorIsa.contains("asimd")) {
            return "NEON";
        }
        return vectorIsa.isEmpty() ? "no vector extensions reported" : "SSE";
    }

    /** One line, for example {@code AMD EPYC (AuthenticAMD family 25 model 17, AVX-512, 2 cores)}. */
    public String describe() {
        return model + " (" + vendor + (familyModel.isEmpty() ? "" : " " + familyModel) + ", " + widestVectors()
                + ", " + cores + (cores == 1 ? " core)" : " cores)");
    }
}
