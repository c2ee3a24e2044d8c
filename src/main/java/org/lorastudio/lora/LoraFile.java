package org.lorastudio.lora;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lorastudio.safetensors.SafeText;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.safetensors.TensorInfo;
import org.lorastudio.util.UserException;

/**
 * A LoRA file read into memory and normalised to kohya module names, whatever layout it was saved in:
 * <ul>
 *   <li>kohya / A1111 ({@code lora_unet_…}/{@code lora_te_…} with {@code .lora_down.weight}, {@code .lora_up.weight},
 *       {@code .alpha}; a missing alpha means alpha = rank),</li>
 *   <li>diffusers / PEFT ({@code unet.<path>.lora_A.weight} / {@code lora_B}, {@code text_encoder.<path>…}; legacy
 *       {@code .lora.down/.lora.up}, {@code processor.to_q_lora.down}, {@code lora_linear_layer.down}); these carry
 *       no alpha, so alpha = rank (scale 1),</li>
 *   <li>PEFT adapters of the whole model ({@code base_model.model.<path>.lora_A.weight}).</li>
 * </ul>
 */
public final class LoraFile {
    /** The layout a file was saved in. */
    public enum Format { KOHYA, DIFFUSERS, PEFT }

    /** One module's weights as float32 (converted from F16/BF16 in Java). */
    public record ModuleWeights(String name, float[] down, long[] downShape, float[] up, long[] upShape, float alpha) {
        public int rank() {
            return (int) downShape[0];
        }
    }

    /** Largest rank accepted; far above any LoRA in use (kohya allows up to the layer width, at most a few 1000). */
    public static final int MAX_RANK = 65_536;
    private static final String[] SLOT_NAMES = {"down (A)", "up (B)", "alpha"};
    private static final Pattern KOHYA = Pattern.compile("(lora_(?:unet|te\\d?)_.+)\\.(lora_down\\.weight|lora_up\\.weight|alpha)");
    private static final Pattern DIFFUSERS = Pattern.compile(
            "(unet|text_encoder|base_model\\.model)\\.(.+?)\\.(lora_A\\.weight|lora_B\\.weight|lora\\.down\\.weight"
                    + "|lora\\.up\\.weight|lora_linear_layer\\.down\\.weight|lora_linear_layer\\.up\\.weight)");
    private static final Pattern PROCESSOR = Pattern.compile(
            "unet\\.(.+)\\.processor\\.(to_q|to_k|to_v|to_out)_lora\\.(down|up)\\.weight");

    private final Path path;
    private final Format format;
    private final Map<String, ModuleWeights> modules;
    private final Map<String, String> metadata;

    private LoraFile(Path path, Format format, Map<String, ModuleWeights> modules, Map<String, String> metadata) {
        this.path = path;
        this.format = format;
        this.modules = modules;
        this.metadata = metadata;
    }

    public Path path() {
        return path;
    }

    public Format format() {
        return format;
    }

    /** Modules by kohya name, in file order. */
    public Map<String, ModuleWeights> modules() {
        return modules;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The same file restricted to the modules whose kohya name passes {@code keep} (e.g. only the UNet part). */
    public LoraFile only(java.util.function.Predicate<String> keep) {
        Map<String, ModuleWeights> kept = new LinkedHashMap<>();
        modules.forEach((n, w) -> {
            if (keep.test(n)) {
                kept.put(n, w);
            }
        });
        return new LoraFile(path, format, kept, metadata);
    }

    /** Reads and normalises a LoRA file; anything that is not a LoRA tensor is an error naming it. */
    public static LoraFile read(Path path) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            Map<String, String[]> parts = new LinkedHashMap<>(); // kohya name -> [downKey, upKey, alphaKey]
            Format format = null;
            List<String> unknown = new ArrayList<>();
            for (TensorInfo t : f.tensors().values()) {
                String key = t.name();
                Matcher k = KOHYA.matcher(key);
                Matcher d = DIFFUSERS.matcher(key);
                Matcher p = PROCESSOR.matcher(key);
                String name;
                int slot;
                Format kind;
                if (k.matches()) {
                    name = k.group(1);
                    slot = k.group(2).startsWith("lora_down") ? 0 : k.group(2).startsWith("lora_up") ? 1 : 2;
                    kind = Format.KOHYA;
                } else if (p.matches()) {
                    String layer = p.group(2).equals("to_out") ? "to_out.0" : p.group(2);
                    name = LoraTargets.kohyaName(LoraTargets.UNET, p.group(1) + "." + layer);
                    slot = p.group(3).equals("down") ? 0 : 1;
                    kind = Format.DIFFUSERS;
                } else if (d.matches()) {
                    String prefix = d.group(1).equals("unet") ? LoraTargets.UNET
                            : d.group(1).equals("text_encoder") ? LoraTargets.TEXT_ENCODER : "base_model";
                    name = "base_model".equals(prefix) ? d.group(2) : LoraTargets.kohyaName(prefix, d.group(2));
                    String which = d.group(3);
                    slot = which.contains("lora_A") || which.contains("down") ? 0 : 1;
                    kind = "base_model".equals(prefix) ? Format.PEFT : Format.DIFFUSERS;
                } else {
                    unknown.add(key);
                    continue;
                }
                if (format != null && format != kind) {
                    throw refuse(path.getFileName() + ": mixes " + format + " and " + kind
                            + " key layouts (e.g. '" + key + "'); save the LoRA in one layout");
                }
                format = kind;
                String[] slots = parts.computeIfAbsent(name, n -> new String[3]);
                if (slots[slot] != null) {
                    // two spellings of one weight (e.g. lora_A and lora.down): using either would ignore the other
                    throw refuse(path.getFileName() + ": module '" + name + "' has two "
                            + SLOT_NAMES[slot] + " tensors, '" + slots[slot] + "' and '" + key
                            + "'; keep one of them");
                }
                slots[slot] = key;
            }
            if (!unknown.isEmpty()) {
                throw refuse(path.getFileName() + ": " + unknown.size() + " tensors are not LoRA weights"
                        + " (first: " + String.join(", ", unknown.subList(0, Math.min(5, unknown.size())).stream()
                                .map(SafeText::quote).toList())
                        + "); is this a LoRA file?");
            }
            if (parts.isEmpty()) {
                throw refuse(path.getFileName() + ": contains no LoRA weights");
            }
            if (parts.keySet().stream().anyMatch(n -> n.startsWith("lora_te1_") || n.startsWith("lora_te2_"))) {
                throw refuse(path.getFileName() + ": this is an SDXL LoRA (lora_te1_/lora_te2_ keys);"
                        + " LoRA Studio handles Stable Diffusion 1.5-family models");
            }
            Map<String, ModuleWeights> modules = new LinkedHashMap<>();
            for (Map.Entry<String, String[]> e : parts.entrySet()) {
                modules.put(e.getKey(), moduleWeights(f, e.getKey(), e.getValue()));
            }
            return new LoraFile(path, format, modules, f.metadata());
        }
    }

    /**
     * A refusal naming the file, on one line: tensor names come from the file and may hold line breaks or terminal
     * escapes (found by fuzzing), which {@link SafeText#oneLine} makes visible instead.
     */
    private static UserException refuse(String message) {
        return new UserException(SafeText.oneLine(message));
    }

    private static ModuleWeights moduleWeights(SafetensorsFile f, String name, String[] keys) throws IOException {
        if (keys[0] == null || keys[1] == null) {
            throw refuse(f.path().getFileName() + ": module '" + name + "' has "
                    + (keys[0] == null ? "no down (A)" : "no up (B)") + " weight");
        }
        long[] ds = f.info(keys[0]).shape();
        long[] us = f.info(keys[1]).shape();
        if (ds.length < 2 || us.length < 2 || us[1] != ds[0]) {
            throw refuse(f.path().getFileName() + ": module '" + name + "' has down shape "
                    + java.util.Arrays.toString(ds) + " and up shape " + java.util.Arrays.toString(us)
                    + ", which do not share a rank");
        }
        // A zero-size dimension passes the byte checks (0 bytes) but leaves nothing to apply, and a rank beyond
        // MAX_RANK would not fit the int the network sizes its layers with.
        if (ds[0] < 1 || ds[0] > MAX_RANK || java.util.Arrays.stream(ds).anyMatch(d -> d == 0)
                || java.util.Arrays.stream(us).anyMatch(d -> d == 0)) {
            throw refuse(f.path().getFileName() + ": module '" + name + "' has down shape "
                    + java.util.Arrays.toString(ds) + " and up shape " + java.util.Arrays.toString(us)
                    + "; the rank must be 1.." + MAX_RANK + " and no dimension may be 0");
        }
        float alpha = ds[0];
        if (keys[2] != null) {
            float[] a = f.readFloats(keys[2]);
            if (a.length != 1 || !Float.isFinite(a[0])) {
                throw refuse(f.path().getFileName() + ": '" + keys[2] + "' must be one finite number,"
                        + " found " + (a.length == 1 ? String.valueOf(a[0]) : a.length + " values"));
            }
            if (a[0] != 0) {
                alpha = a[0];
            }
        }
        return new ModuleWeights(name, f.readFloats(keys[0]), ds, f.readFloats(keys[1]), us, alpha);
    }
}
