package org.lorastudio.model.sd;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.BooleanSupplier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.config.Sampler;
import org.lorastudio.sample.DdimSampler;
import org.lorastudio.sample.DdpmSampler;
import org.lorastudio.sample.DiffusionLoop;
import org.lorastudio.sample.EulerAncestralSampler;
import org.lorastudio.sample.NoiseSchedule;
import org.lorastudio.util.UserException;

/**
 * The text-to-image pipeline (diffusers {@code StableDiffusionPipeline}): encode prompt and negative prompt, draw
 * the start latents from the seed exactly as {@code torch.Generator().manual_seed(seed)} does, run the sampler with
 * classifier-free guidance, decode with the VAE and map to [0, 1].
 */
public final class TextToImage {
    private TextToImage() {
    }

    /** What to generate. {@code clipSkip} uses A1111 numbering (1 = last layer). */
    public record Request(String prompt, String negativePrompt, int seed, int steps, Sampler sampler, float guidance,
                          int width, int height, int clipSkip) {
        public Request {
            if (steps < 1 || steps > 1000) {
                throw new UserException("steps must be 1..1000, found " + steps);
            }
            if (width < 8 || height < 8 || width % 8 != 0 || height % 8 != 0) {
                throw new UserException("width and height must be positive multiples of 8, found " + width + "×"
                        + height);
            }
            negativePrompt = negativePrompt == null ? "" : negativePrompt;
        }
    }

    /**
     * The outcome: the image as RGB floats in [0, 1] (HWC), the start noise and final latents (as plain arrays for
     * {@code --save-latents}), and whether it was cancelled.
     */
    public record Result(float[] rgb, int width, int height, float[] initLatents, float[] finalLatents,
                         long[] latentShape, boolean cancelled) {
        /** The image as 8-bit sRGB, rounded as diffusers' numpy_to_pil does ({@code (x * 255).round()}). */
        public BufferedImage toImage() {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int i = (y * width + x) * 3;
                    img.setRGB(x, y, (to8(rgb[i]) << 16) | (to8(rgb[i + 1]) << 8) | to8(rgb[i + 2]));
                }
            }
            return img;
        }

        private static int to8(float v) {
            return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
        }
    }

    /**
     * Generates one image. All native memory is scoped to a sub-manager of {@code manager}, closed before returning.
     *
     * @param startNoise unscaled start latents [1, 4, h/8, w/8], or null to draw them from the seed
     */
    public static Result generate(StableDiffusion sd, NDManager manager, Request req, float[] startNoise,
                                  DiffusionLoop.Progress progress, BooleanSupplier cancel) {
        try (NDManager m = manager.newSubManager()) {
            NDArray cond = sd.encodePrompt(m, req.prompt(), req.clipSkip());
            NDArray uncond = req.guidance() > 1 ? sd.encodePrompt(m, req.negativePrompt(), req.clipSkip()) : null;
            NDArray noise = startNoise == null
                    ? DiffusionLoop.initialNoise(m, req.seed(), 1, req.height(), req.width())
                    : m.create(startNoise, new ai.djl.ndarray.types.Shape(1, 4, req.height() / 8, req.width() / 8));
            float[] init = noise.toFloatArray();
            DataType unetType = sd.unet().namedParameters().values().iterator().next().array().getDataType();
            DiffusionLoop loop = new DiffusionLoop((x, t, ctx) -> sd.unet().forward(x.toType(unetType, false), t,
                    ctx.toType(unetType, false)).toType(DataType.FLOAT32, false), sampler(sd, req));
            DiffusionLoop.Result r = loop.run(noise, new DiffusionLoop.Conditioning(cond, uncond, req.guidance()),
                    false, progress, cancel);
            NDArray latents = r.latents();
            NDArray image = decode(sd, latents);
            return new Result(image.toFloatArray(), req.width(), req.height(), init, latents.toFloatArray(),
                    latents.getShape().getShape(), r.cancelled());
        }
    }

    /** VAE decode of final latents → HWC RGB in [0, 1] ({@code (x / 2 + 0.5).clamp(0, 1)}). */
    public static NDArray decode(StableDiffusion sd, NDArray latents) {
        DataType vaeType = sd.vae().namedParameters().values().iterator().next().array().getDataType();
        NDArray x = sd.vae().decode(latents.div(sd.vae().scalingFactor()).toType(vaeType, false))
                .toType(DataType.FLOAT32, false);
        return x.div(2f).add(0.5f).clip(0f, 1f).get(0).transpose(1, 2, 0); // (3, H, W) -> (H, W, 3)
    }

    static org.lorastudio.sample.Sampler sampler(StableDiffusion sd, Request req) {
        NoiseSchedule schedule = new NoiseSchedule(sd.scheduler());
        return switch (req.sampler()) {
            case DDIM -> new DdimSampler(schedule, req.steps());
            case EULER_A -> new EulerAncestralSampler(schedule, req.steps());
            case DDPM -> new DdpmSampler(schedule, req.steps());
        };
    }

    /** Sampler names for help texts. */
    public static List<String> samplerNames() {
        return List.of("ddim", "euler_a", "ddpm");
    }
}
