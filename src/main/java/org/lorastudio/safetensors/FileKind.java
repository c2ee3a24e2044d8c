package org.lorastudio.safetensors;

import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A best guess of what a safetensors file holds, made from tensor names and shapes alone (plus the kohya
 * {@code .alpha} scalars, a few bytes each). It tells the user what they picked before anything is loaded; it never
 * decides how a file is loaded, since the loaders check every key and shape themselves. Key patterns are those of
 * docs/FORMATS.md §3-4 (kohya {@code networks/lora.py}, PEFT, diffusers, LDM single files, transformers).
 *
 * @param kind    the family of file
 * @param summary one line such as {@code kohya LoRA, 84 modules, rank 4, alpha 2.0 (UNet 60, text encoder 24)}
 */
public record FileKind(Kind kind, String summary) {
    /** The layouts recognised. */
    public enum Kind {
        KOHYA_LORA, LYCORIS, PEFT_LORA, DIFFUSERS_LORA, SD_CHECKPOINT, DIFFUSERS_UNET, DIFFUSERS_VAE,
        CLIP_TEXT_ENCODER, LLAMA, EMPTY, UNKNOWN
    }

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layers\\.(\\d+)\\.");

    /** Guesses the layout of an open file. */
    public static FileKind guess(SafetensorsFile file) throws IOException {
        Map<String, TensorInfo> t = file.tensors();
        if (t.isEmpty()) {
            return new FileKind(Kind.EMPTY, "no tensors" + (file.metadata().isEmpty() ? "" : " (metadata only)"));
        }
        Optional<FileKind> guess = kohya(file);
        if (guess.isEmpty()) {
            guess = lycoris(t).or(() -> peft(t)).or(() -> ldmCheckpoint(t))
                    .or(() -> diffusersUnet(t)).or(() -> diffusersVae(t)).or(() -> clip(t)).or(() -> llama(t));
        }
        return guess.orElseGet(() -> new FileKind(Kind.UNKNOWN, "unknown layout (no known key pattern)"));
    }

    private static Optional<FileKind> kohya(SafetensorsFile file) throws IOException {
        Map<String, TensorInfo> t = file.tensors();
        String down = ".lora_down.weight";
        SortedSet<Long> ranks = new TreeSet<>();
        SortedSet<Float> alphas = new TreeSet<>();
        int modules = 0;
        int unet = 0;
        int conv = 0;
        int withoutAlpha = 0;
        for (TensorInfo i : t.values()) {
            String n = i.name();
            if (!n.startsWith("lora_") || !n.endsWith(down) || i.rank() < 2) {
                continue;
            }
            modules++;
            unet += n.startsWith("lora_unet_") ? 1 : 0;
            conv += i.rank() == 4 ? 1 : 0;
            ranks.add(i.shape()[0]);
            TensorInfo alpha = t.get(n.substring(0, n.length() - down.length()) + ".alpha");
            if (alpha != null && alpha.dtype().isFloat() && alpha.numel() == 1) {
                alphas.add(file.readFloats(alpha.name())[0]);
            } else {
                withoutAlpha++;
            }
        }
        if (modules == 0) {
            return Optional.empty();
        }
        String alpha = withoutAlpha == modules ? "alpha = rank (no .alpha tensors)"
                : "alpha " + range(alphas) + (withoutAlpha > 0 ? " (" + withoutAlpha + " modules without)" : "");
        String parts = "UNet " + unet + (conv > 0 ? " incl. " + conv + " conv" : "") + ", text encoder "
                + (modules - unet);
        return Optional.of(new FileKind(Kind.KOHYA_LORA, "kohya LoRA, " + modules + " modules, rank " + range(ranks)
                + ", " + alpha + " (" + parts + ")"));
    }

    private static Optional<FileKind> lycoris(Map<String, TensorInfo> t) {
        long loha = count(t.keySet(), n -> n.startsWith("lora_") && n.endsWith(".hada_w1_a"));
        long lokr = count(t.keySet(),
                n -> n.startsWith("lora_") && (n.endsWith(".lokr_w1") || n.endsWith(".lokr_w1_a")));
        if (loha + lokr == 0) {
            return Optional.empty();
        }
        String type = loha >= lokr ? "LoHa" : "LoKr";
        return Optional.of(new FileKind(Kind.LYCORIS, "LyCORIS " + type + " (kohya-style names), "
                + (loha + lokr) + " modules"));
    }

    /**
     * PEFT and diffusers LoRA files. diffusers has written three key styles over time ({@code lora_A}/{@code lora_B}
     * from PEFT, {@code lora_linear_layer.down/up} and attention-processor {@code to_q_lora.down/up}), sometimes
     * mixed in one file, so a module is any of the three "down" keys.
     */
    private static Optional<FileKind> peft(Map<String, TensorInfo> t) {
        SortedSet<Long> ranks = new TreeSet<>();
        int modules = 0;
        int peftKeys = 0;
        int peftPrefix = 0;
        int unet = 0;
        int te = 0;
        for (TensorInfo i : t.values()) {
            String n = i.name();
            boolean peftStyle = n.endsWith(".lora_A.weight");
            if (i.rank() < 2 || !(peftStyle || n.endsWith("lora.down.weight")
                    || n.endsWith("lora_linear_layer.down.weight"))) {
                continue;
            }
            modules++;
            peftKeys += peftStyle ? 1 : 0;
            ranks.add(i.shape()[0]);
            peftPrefix += n.startsWith("base_model.model.") ? 1 : 0;
            unet += n.startsWith("unet.") ? 1 : 0;
            te += n.startsWith("text_encoder") ? 1 : 0;
        }
        if (modules == 0) {
            return Optional.empty();
        }
        if (peftPrefix == 0 && (unet + te > 0 || peftKeys < modules)) {
            String keys = peftKeys == modules ? "PEFT keys" : peftKeys == 0 ? "attention-processor keys"
                    : "PEFT and attention-processor keys";
            String parts = unet + te > 0 ? " (UNet " + unet + ", text encoder " + te + ")" : "";
            return Optional.of(new FileKind(Kind.DIFFUSERS_LORA, "diffusers LoRA (" + keys + "), " + modules
                    + " modules, rank " + range(ranks) + ", no alpha stored (scale 1)" + parts));
        }
        return Optional.of(new FileKind(Kind.PEFT_LORA, "PEFT LoRA, " + modules + " modules, rank " + range(ranks)
                + " (alpha is in adapter_config.json)"));
    }

    private static Optional<FileKind> ldmCheckpoint(Map<String, TensorInfo> t) {
        String unet = "model.diffusion_model.";
        if (count(t.keySet(), n -> n.startsWith(unet)) == 0) {
            return Optional.empty();
        }
        String family = has(t, "cond_stage_model.transformer.") ? "SD 1.x"
                : has(t, "cond_stage_model.model.") ? "SD 2.x"
                : has(t, "conditioner.embedders.") ? "SDXL" : "Stable Diffusion";
        StringBuilder parts = new StringBuilder("UNet");
        if (has(t, "first_stage_model.")) {
            parts.append(", VAE");
        }
        if (has(t, "cond_stage_model.") || has(t, "conditioner.")) {
            parts.append(", text encoder");
        }
        if (has(t, "model_ema.")) {
            parts.append(", EMA weights");
        }
        return Optional.of(new FileKind(Kind.SD_CHECKPOINT, family + " single-file checkpoint (" + parts + ")"
                + crossAttention(t, unet)));
    }

    private static Optional<FileKind> diffusersUnet(Map<String, TensorInfo> t) {
        if (!t.containsKey("conv_in.weight") || !t.containsKey("time_embedding.linear_1.weight")) {
            return Optional.empty();
        }
        StringBuilder channels = new StringBuilder();
        int blocks = 0;
        for (TensorInfo c; (c = t.get("down_blocks." + blocks + ".resnets.0.conv1.weight")) != null; blocks++) {
            channels.append(blocks == 0 ? "" : ", ").append(c.shape()[0]);
        }
        return Optional.of(new FileKind(Kind.DIFFUSERS_UNET, "diffusers UNet2DConditionModel, " + blocks
                + " down blocks, channels " + channels + crossAttention(t, "")));
    }

    private static Optional<FileKind> diffusersVae(Map<String, TensorInfo> t) {
        TensorInfo post = t.get("post_quant_conv.weight");
        if (post == null || !t.containsKey("encoder.conv_in.weight") || !t.containsKey("decoder.conv_in.weight")) {
            return Optional.empty();
        }
        String layout = has(t, "encoder.down_blocks.") ? "diffusers AutoencoderKL (VAE)" : "VAE (LDM layout)";
        return Optional.of(new FileKind(Kind.DIFFUSERS_VAE, layout + ", latent channels " + post.shape()[0]));
    }

    private static Optional<FileKind> clip(Map<String, TensorInfo> t) {
        TensorInfo emb = t.get("text_model.embeddings.token_embedding.weight");
        int layers = layers(t.keySet(), "text_model.encoder.");
        if (emb == null && layers == 0) {
            return Optional.empty();
        }
        String dims = emb == null || emb.rank() != 2 ? ""
                : ", hidden " + emb.shape()[1] + ", vocab " + emb.shape()[0];
        return Optional.of(new FileKind(Kind.CLIP_TEXT_ENCODER, "CLIP text encoder (CLIPTextModel), " + layers
                + " layers" + dims));
    }

    private static Optional<FileKind> llama(Map<String, TensorInfo> t) {
        int layers = layers(t.keySet(), "model.");
        boolean gated = has(t, "model.layers.0.mlp.gate_proj") || count(t.keySet(),
                n -> n.startsWith("model.layers.") && n.contains(".mlp.gate_proj.")) > 0;
        if (layers == 0 || !gated) {
            return Optional.empty();
        }
        TensorInfo emb = t.get("model.embed_tokens.weight");
        String dims = emb == null || emb.rank() != 2 ? " (shard without embeddings)"
                : ", hidden " + emb.shape()[1] + ", vocab " + emb.shape()[0]
                        + (t.containsKey("lm_head.weight") ? "" : ", tied embeddings");
        return Optional.of(new FileKind(Kind.LLAMA, "LLaMA-family causal LM, " + layers + " layers" + dims));
    }

    private static String crossAttention(Map<String, TensorInfo> t, String prefix) {
        for (TensorInfo i : t.values()) {
            if (i.name().startsWith(prefix) && i.name().endsWith("attn2.to_k.weight") && i.rank() >= 2) {
                return ", cross-attention width " + i.shape()[1];
            }
        }
        return "";
    }

    /** Number of transformer layers: highest {@code layers.N.} index under {@code prefix}, plus one. */
    private static int layers(Collection<String> names, String prefix) {
        int max = -1;
        for (String n : names) {
            if (n.startsWith(prefix)) {
                Matcher m = LAYER.matcher(n.substring(prefix.length()));
                if (m.find() && m.group(1).length() < 7) {
                    max = Math.max(max, Integer.parseInt(m.group(1)));
                }
            }
        }
        return max + 1;
    }

    private static boolean has(Map<String, TensorInfo> t, String prefix) {
        return count(t.keySet(), n -> n.startsWith(prefix)) > 0;
    }

    private static long count(Collection<String> names, Predicate<String> p) {
        return names.stream().filter(p).count();
    }

    /** {@code 4} for one value, {@code 4-16 (varies)} for several. */
    private static <T extends Comparable<T>> String range(SortedSet<T> values) {
        String first = format(values.first());
        return values.size() == 1 ? first : first + "-" + format(values.last()) + " (varies)";
    }

    private static String format(Object v) {
        return v instanceof Float f ? String.format(Locale.ROOT, "%s", f) : String.valueOf(v);
    }
}
