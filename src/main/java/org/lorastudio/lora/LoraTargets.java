package org.lorastudio.lora;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.nn.Module;
import org.lorastudio.util.UserException;

/**
 * Resolves LoRA target names (config {@code unet_target_modules} / {@code text_encoder_target_modules}) to the
 * layers of a model, and names them the kohya way: prefix + module path with every {@code .} replaced by {@code _}.
 *
 * <p>Keywords: {@code attentions} = to_q, to_k, to_v, to_out.0 of every attention in the UNet's transformer blocks
 * (the diffusers LoRA example's choice); {@code transformers} = every Linear and 1×1 conv inside the transformer
 * models (kohya's default set: adds proj_in, proj_out and the feed-forward); {@code resnets} = the convolutions and
 * time projection of every ResnetBlock2D (conv LoRA / LoCon); {@code all} on the text encoder = q/k/v/out_proj,
 * fc1, fc2 of every layer (kohya's default). Any other entry is a module name: it matches a layer whose path equals it
 * or ends with {@code "." + name} (PEFT's rule), e.g. {@code to_q}, {@code attn2.to_k}, {@code ff.net.2}.
 */
public final class LoraTargets {
    /** kohya prefix of UNet modules. */
    public static final String UNET = "lora_unet";
    /** kohya prefix of text-encoder modules. */
    public static final String TEXT_ENCODER = "lora_te";

    private static final Pattern ATTENTIONS =
            Pattern.compile("(^|.*\\.)attentions\\.\\d+\\.transformer_blocks\\.\\d+\\.attn[12]\\.(to_q|to_k|to_v|to_out\\.0)");
    private static final Pattern TRANSFORMERS = Pattern.compile("(^|.*\\.)attentions\\.\\d+\\..+");
    private static final Pattern RESNETS =
            Pattern.compile("(^|.*\\.)resnets\\.\\d+\\.(conv1|conv2|conv_shortcut|time_emb_proj)");
    private static final Pattern TE_ALL =
            Pattern.compile("(^|.*\\.)layers\\.\\d+\\.(self_attn\\.(q_proj|k_proj|v_proj|out_proj)|mlp\\.(fc1|fc2))");

    private LoraTargets() {
    }

    /** Every adaptable layer (Linear, Conv2d) of {@code root} by module path, in module order. */
    public static Map<String, AdaptableLayer> layers(Module root) {
        Map<String, AdaptableLayer> out = new LinkedHashMap<>();
        root.namedModules().forEach((path, m) -> {
            if (m instanceof AdaptableLayer a) {
                out.put(path, a);
            }
        });
        return out;
    }

    /** The kohya module name of a path: {@code prefix_path_with_underscores}. */
    public static String kohyaName(String prefix, String path) {
        return prefix + "_" + path.replace('.', '_');
    }

    /** Every adaptable layer of {@code root} by kohya name. */
    public static Map<String, AdaptableLayer> byKohyaName(Module root, String prefix) {
        Map<String, AdaptableLayer> out = new LinkedHashMap<>();
        layers(root).forEach((path, layer) -> out.put(kohyaName(prefix, path), layer));
        return out;
    }

    /**
     * Resolves target entries to layers (kohya name → layer), in module order. An entry that matches nothing is an
     * error naming the entry and the closest real module names.
     */
    public static Map<String, AdaptableLayer> resolve(Module root, String prefix, List<String> targets) {
        Map<String, AdaptableLayer> all = layers(root);
        Set<String> chosen = new LinkedHashSet<>();
        for (String raw : targets) {
            String t = raw.trim();
            List<String> hits = new ArrayList<>();
            for (String path : all.keySet()) {
                if (matches(t, path, all.get(path))) {
                    hits.add(path);
                }
            }
            if (hits.isEmpty()) {
                throw new UserException("LoRA target '" + t + "' matches no layer of the "
                        + (UNET.equals(prefix) ? "UNet" : "text encoder") + "; did you mean one of: "
                        + String.join(", ", suggestions(t, all.keySet(), prefix)) + "?");
            }
            chosen.addAll(hits);
        }
        Map<String, AdaptableLayer> out = new LinkedHashMap<>();
        for (String path : all.keySet()) {
            if (chosen.contains(path)) {
                out.put(kohyaName(prefix, path), all.get(path));
            }
        }
        return out;
    }

    private static boolean matches(String target, String path, AdaptableLayer layer) {
        switch (target.toLowerCase(Locale.ROOT)) {
            case "attentions":
                return ATTENTIONS.matcher(path).matches();
            case "transformers":
                return TRANSFORMERS.matcher(path).matches() && isLinearOr1x1(layer);
            case "resnets":
                return RESNETS.matcher(path).matches();
            case "all":
                return TE_ALL.matcher(path).matches();
            default:
                return path.equals(target) || path.endsWith("." + target);
        }
    }

    private static boolean isLinearOr1x1(AdaptableLayer layer) {
        return layer instanceof org.lorastudio.nn.Linear
                || layer instanceof org.lorastudio.nn.Conv2d c && c.kernelSize() == 1;
    }

    /** Distinct short names (last one or two path parts) closest to {@code target} by edit distance. */
    static List<String> suggestions(String target, Set<String> paths, String prefix) {
        Set<String> names = new LinkedHashSet<>(UNET.equals(prefix)
                ? List.of("attentions", "transformers", "resnets") : List.of("all"));
        for (String p : paths) {
            String[] parts = p.split("\\.");
            names.add(parts[parts.length - 1].matches("\\d+") && parts.length > 1
                    ? parts[parts.length - 2] + "." + parts[parts.length - 1] : parts[parts.length - 1]);
        }
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(Comparator.comparingInt((String n) -> editDistance(n, target)).thenComparing(n -> n));
        return sorted.subList(0, Math.min(8, sorted.size()));
    }

    static int editDistance(String a, String b) {
        return org.lorastudio.util.EditDistance.of(a, b);
    }
}
