package org.lorastudio.model.vae;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.LoadReport;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.Weights;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.util.UserException;

/**
 * diffusers' {@code AutoencoderKL} (the SD1.x VAE). Parameter names equal the diffusers keys
 * ({@code decoder.up_blocks.0.resnets.2.conv1.weight}); building allocates nothing.
 *
 * <p>Pixels are NCHW RGB in [−1, 1]. {@link #encode} gives the posterior; latents for the UNet are
 * {@code sample · scalingFactor()}. {@link #decode} expects latents already divided by the scaling factor and
 * returns unclamped pixels in about [−1, 1].
 */
public final class AutoencoderKL extends Module {
    static final String WEIGHTS_FILE = "diffusion_pytorch_model.safetensors";

    private final VaeConfig config;
    private final VaeEncoder encoder;
    private final VaeDecoder decoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;

    public AutoencoderKL(VaeConfig config) {
        this.config = config;
        int latent = config.latentChannels();
        this.encoder = child("encoder", new VaeEncoder(config));
        this.decoder = child("decoder", new VaeDecoder(config));
        this.quantConv = child("quant_conv", Conv2d.k1(2 * latent, 2 * latent));
        this.postQuantConv = child("post_quant_conv", Conv2d.k1(latent, latent));
    }

    /** A model shaped by a diffusers {@code config.json} (the file, or the folder holding it); weights not loaded. */
    public static AutoencoderKL fromConfig(Path config) {
        return new AutoencoderKL(VaeConfig.fromConfig(config));
    }

    /**
     * Builds the model from a diffusers {@code vae/} folder ({@code config.json} +
     * {@code diffusion_pytorch_model.safetensors}) and loads its weights into {@code manager} as {@code floatType}.
     */
    public static AutoencoderKL fromPretrained(Path folder, NDManager manager, DataType floatType) {
        AutoencoderKL model = fromConfig(folder);
        Path weights = folder.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            throw new UserException("The VAE weights " + weights + " are missing.");
        }
        model.loadWeights(weights, manager, floatType);
        return model;
    }

    /**
     * Loads weights stored under diffusers keys. Files saved by diffusers before 0.17 name the mid-block attention
     * {@code query/key/value/proj_attn}; those are read as {@code to_q/to_k/to_v/to_out.0} (FORMATS §3.3).
     */
    public LoadReport loadWeights(Path safetensors, NDManager manager, DataType floatType) {
        try (SafetensorsFile file = SafetensorsFile.open(safetensors)) {
            Map<String, Weights.TensorRef> refs = Weights.refs(file, AutoencoderKL::modernKey);
            return Weights.load(this, refs, manager, floatType, safetensors.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + safetensors, e);
        }
    }

    static String modernKey(String key) {
        if (!key.contains("mid_block.attentions.")) {
            return key;
        }
        return key.replace(".query.", ".to_q.").replace(".key.", ".to_k.").replace(".value.", ".to_v.")
                .replace(".proj_attn.", ".to_out.0.");
    }

    /** quant_conv(encoder(image)): (B, 3, H, W) → (B, 2·latent, H/8, W/8), mean ‖ logvar before clamping. */
    public NDArray encodeMoments(NDArray image) {
        return quantConv.forward(encoder.forward(image));
    }

    /** The posterior for (B, 3, H, W) pixels in [−1, 1]. */
    public LatentDistribution encode(NDArray image) {
        return LatentDistribution.fromMoments(encodeMoments(image));
    }

    /** decoder(post_quant_conv(z)): (B, latent, h, w), already divided by the scaling factor → (B, 3, 8h, 8w). */
    public NDArray decode(NDArray latents) {
        return decoder.forward(postQuantConv.forward(latents));
    }

    /** The factor between posterior samples and UNet latents (0.18215 for SD1.x). */
    public float scalingFactor() {
        return config.scalingFactor();
    }

    public VaeConfig config() {
        return config;
    }
}
