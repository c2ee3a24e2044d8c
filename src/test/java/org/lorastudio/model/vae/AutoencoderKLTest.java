package org.lorastudio.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lorastudio.nn.Parameter;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

class AutoencoderKLTest {
    private static final Path VAE = Fixtures.path("sd-tiny-a/model-diffusers/vae");
    /** float32 on another torch build (FORMATS / fixture README: 1e-4 for single modules). */
    private static final double TOLERANCE = 1e-4;

    @Test
    void tinyConfigIsReadFromDiffusersJson() {
        VaeConfig c = VaeConfig.fromConfig(VAE);
        assertThat(c).isEqualTo(new VaeConfig(3, 3, List.of(32, 32, 32, 64), 2, 4, 32, 0.18215f));
        assertThat(c.downsampleFactor()).isEqualTo(8);
    }

    @Test
    void sd15ConfigFileEqualsSd15Defaults() {
        assertThat(VaeConfig.fromConfig(Fixtures.path("sd15-keys/vae-config.json"))).isEqualTo(VaeConfig.sd15());
    }

    @Test
    void unsupportedConfigValuesAreAllReported() throws IOException {
        JsonNode bad = new ObjectMapper().readTree("{\"block_out_channels\": [128, 256],"
                + "\"down_block_types\": [\"DownEncoderBlock2D\", \"Foo\"], \"act_fn\": \"gelu\","
                + "\"shift_factor\": 0.1159}");
        assertThatThrownBy(() -> VaeConfig.fromJson(bad, "x.json"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("found Foo")
                .hasMessageContaining("act_fn must be silu")
                .hasMessageContaining("shift_factor");
    }

    @Test
    void sd15ModelHasExactlyTheDiffusersKeysAndShapesWithoutAllocating() throws IOException {
        AutoencoderKL vae = new AutoencoderKL(VaeConfig.sd15());
        Map<String, Parameter> params = vae.namedParameters();
        assertThat(shapes(params)).containsExactlyEntriesOf(referenceShapes("sd15-keys/vae-diffusers.json"));
        assertThat(params.values()).noneMatch(Parameter::isSet);
        assertThat(vae.parameterCount()).isEqualTo(83_653_863L);
        assertThat(params.get("encoder.mid_block.attentions.0.to_q.weight").shape()).isEqualTo(new Shape(512, 512));
    }

    @Test
    void legacyAttentionNamesAreReadAsModernOnes() {
        assertThat(AutoencoderKL.modernKey("decoder.mid_block.attentions.0.proj_attn.weight"))
                .isEqualTo("decoder.mid_block.attentions.0.to_out.0.weight");
        assertThat(AutoencoderKL.modernKey("encoder.mid_block.attentions.0.query.bias"))
                .isEqualTo("encoder.mid_block.attentions.0.to_q.bias");
        assertThat(AutoencoderKL.modernKey("encoder.down_blocks.0.resnets.0.conv1.weight"))
                .isEqualTo("encoder.down_blocks.0.resnets.0.conv1.weight");
    }

    @Test
    @Tag("parity")
    void encoderMomentsMeanAndLogvarMatchDiffusers() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            AutoencoderKL vae = AutoencoderKL.fromPretrained(VAE, m, DataType.FLOAT32);
            NDArray image = Fixtures.tensor(ref, "vae.enc.in.image", m);
            try (NDScope scope = new NDScope()) {
                NDArray moments = vae.encodeMoments(image);
                LatentDistribution dist = LatentDistribution.fromMoments(moments);
                assertThat(moments.getShape()).isEqualTo(new Shape(1, 8, 8, 8));
                check("vae.enc.out.moments", moments, Fixtures.tensor(ref, "vae.enc.out.moments", m));
                check("vae.enc.out.mean", dist.mean(), Fixtures.tensor(ref, "vae.enc.out.mean", m));
                check("vae.enc.out.logvar", dist.logvar(), Fixtures.tensor(ref, "vae.enc.out.logvar", m));
                check("vae.encode().mode()", vae.encode(image).mode(), Fixtures.tensor(ref, "vae.enc.out.mean", m));
            }
        }
    }

    @Test
    @Tag("parity")
    void decoderOutputMatchesDiffusers() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            AutoencoderKL vae = AutoencoderKL.fromPretrained(VAE, m, DataType.FLOAT32);
            NDArray latent = Fixtures.tensor(ref, "vae.dec.in.latent", m);
            try (NDScope scope = new NDScope()) {
                NDArray image = vae.decode(latent);
                assertThat(image.getShape()).isEqualTo(new Shape(1, 3, 64, 64));
                check("vae.dec.out.image", image, Fixtures.tensor(ref, "vae.dec.out.image", m));
            }
        }
    }

    @Test
    @Tag("parity")
    void pipelineImageDecodesFromItsFinalLatents() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            AutoencoderKL vae = AutoencoderKL.fromPretrained(VAE, m, DataType.FLOAT32);
            NDArray steps = Fixtures.tensor(ref, "pipe.latents_steps", m); // (10, 1, 4, 8, 8)
            try (NDScope scope = new NDScope()) {
                NDArray latents = steps.get(9).div(vae.scalingFactor());
                check("pipe.image_raw", vae.decode(latents), Fixtures.tensor(ref, "pipe.image_raw", m));
            }
        }
    }

    @Test
    void scopedEncodeAndDecodeLeaveNothingInTheModelManager() throws IOException {
        try (NDManager model = NDManager.newBaseManager();
             SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            AutoencoderKL vae = AutoencoderKL.fromPretrained(VAE, model, DataType.FLOAT32);
            int before = -1;
            for (int i = 0; i < 2; i++) { // the first pass creates GroupNorm's cached unit affine arrays
                try (NDManager step = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
                    NDArray image = Fixtures.tensor(ref, "vae.enc.in.image", step);
                    vae.decode(vae.encode(image).sample().mul(vae.scalingFactor()));
                }
                if (i == 0) {
                    before = model.getManagedArrays().size();
                }
            }
            assertThat(model.getManagedArrays()).hasSize(before);
        }
    }

    @Test
    void sampleIsMeanPlusStdTimesNoiseAndLogvarIsClamped() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            NDArray moments = m.randomNormal(new Shape(1, 8, 2, 2)).mul(40f);
            LatentDistribution d = LatentDistribution.fromMoments(moments);
            assertThat(d.logvar().max().getFloat()).isLessThanOrEqualTo(20f);
            assertThat(d.logvar().min().getFloat()).isGreaterThanOrEqualTo(-30f);
            NDArray noise = m.randomNormal(new Shape(1, 4, 2, 2));
            NDArray expected = d.mean().add(d.logvar().div(2f).exp().mul(noise));
            assertThat(Fixtures.relL2(d.sample(noise), expected)).isLessThan(1e-7);
            assertThat(d.sample().getShape()).isEqualTo(new Shape(1, 4, 2, 2));
        }
    }

    @Test
    void downsamplePadsOnlyRightAndBottom() {
        try (NDManager m = NDManager.newBaseManager()) {
            VaeDownsample2D down = new VaeDownsample2D(1);
            // a kernel that picks the top-left tap: output (i, j) = padded input (2i, 2j)
            float[] k = new float[9];
            k[0] = 1;
            down.namedParameters().get("conv.weight").set(m.create(k, new Shape(1, 1, 3, 3)));
            down.namedParameters().get("conv.bias").set(m.zeros(new Shape(1)));
            NDArray x = m.arange(1f, 17f).reshape(1, 1, 4, 4);
            NDArray y = down.forward(x);
            assertThat(y.getShape()).isEqualTo(new Shape(1, 1, 2, 2));
            assertThat(y.toFloatArray()).containsExactly(1f, 3f, 9f, 11f);
            // the bottom-right tap reads padded (2i+2, 2j+2): x[2][2] = 11, then the zero row/column
            k[0] = 0;
            k[8] = 1;
            down.namedParameters().get("conv.weight").set(m.create(k, new Shape(1, 1, 3, 3)));
            assertThat(down.forward(x).toFloatArray()).containsExactly(11f, 0f, 0f, 0f);
        }
    }

    @Test
    void upsampleRepeatsEachPixelTwice() {
        try (NDManager m = NDManager.newBaseManager()) {
            VaeUpsample2D up = new VaeUpsample2D(1);
            float[] k = new float[9];
            k[4] = 1; // identity kernel
            up.namedParameters().get("conv.weight").set(m.create(k, new Shape(1, 1, 3, 3)));
            up.namedParameters().get("conv.bias").set(m.zeros(new Shape(1)));
            NDArray y = up.forward(m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2)));
            assertThat(y.toFloatArray()).containsExactly(1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
        }
    }

    private static void check(String name, NDArray actual, NDArray expected) {
        double err = Fixtures.relL2(actual, expected);
        System.out.printf("%s relL2 = %.3e%n", name, err);
        assertThat(err).as(name).isLessThan(TOLERANCE);
    }

    static Map<String, List<Long>> shapes(Map<String, Parameter> params) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        params.forEach((k, p) -> out.put(k, Arrays.stream(p.shape().getShape()).boxed().toList()));
        return out;
    }

    static Map<String, List<Long>> referenceShapes(String fixture) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Fixtures.path(fixture).toFile());
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (JsonNode t : root.get("tensors")) {
            List<Long> shape = new ArrayList<>();
            t.get("shape").forEach(d -> shape.add(d.asLong()));
            out.put(t.get("key").asText(), shape);
        }
        return out;
    }
}
