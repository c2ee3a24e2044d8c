package org.lorastudio.model.unet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lorastudio.nn.LoadReport;
import org.lorastudio.nn.Weights;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;

/**
 * The tiny SD 1.5-shaped UNet of {@code sd-tiny-a} against diffusers 0.26.3 (float32, CPU). Tolerance 1e-4 relative
 * L2, the fixture's suggestion for a float32 port on another PyTorch build (different kernels reorder float sums).
 */
@Tag("parity")
class UNetParityTest {
    private static final double TOLERANCE = 1e-4;

    private static NDManager manager;
    private static SafetensorsFile weights;
    private static SafetensorsFile reference;
    private static UNet2DConditionModel unet;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        weights = Fixtures.open("sd-tiny-a/model-diffusers/unet/diffusion_pytorch_model.safetensors");
        reference = Fixtures.open("sd-tiny-a/reference.safetensors");
        unet = new UNet2DConditionModel(UNetConfig.fromDiffusersJson(
                Fixtures.path("sd-tiny-a/model-diffusers/unet/config.json")));
        LoadReport report = Weights.load(unet, Weights.refs(weights, k -> k), manager, DataType.FLOAT32,
                "tiny unet");
        assertThat(report.ok()).isTrue();
        assertThat(report.loaded()).isEqualTo(unet.namedParameters().size());
    }

    @AfterAll
    static void close() throws Exception {
        manager.close();
        weights.close();
        reference.close();
    }

    private static NDArray ref(String name, NDManager m) {
        return Fixtures.tensor(reference, name, m);
    }

    @Test
    void noisePredictionMatchesDiffusers() {
        try (NDManager m = manager.newSubManager()) {
            NDArray out = unet.forward(ref("unet.in.sample", m), ref("unet.in.timesteps", m),
                    ref("unet.in.encoder_hidden_states", m));
            double err = Fixtures.relL2(out, ref("unet.out.sample", m));
            System.out.printf("UNet parity (sd-tiny-a, int64 timesteps): relative L2 = %.3e%n", err);
            assertThat(err).isLessThan(TOLERANCE);
        }
    }

    @Test
    void floatTimestepsGiveTheSameResultAsIntegerOnes() {
        try (NDManager m = manager.newSubManager()) {
            NDArray t = ref("unet.in.timesteps", m);
            NDArray out = unet.forward(ref("unet.in.sample", m), t.toType(DataType.FLOAT32, false),
                    ref("unet.in.encoder_hidden_states", m));
            double err = Fixtures.relL2(out, ref("unet.out.sample", m));
            System.out.printf("UNet parity (sd-tiny-a, float32 timesteps): relative L2 = %.3e%n", err);
            assertThat(err).isLessThan(TOLERANCE);
        }
    }

    @Test
    void chunkedAttentionMatchesDiffusers() {
        try (NDManager m = manager.newSubManager()) {
            unet.setAttentionQueryChunk(5); // 64 tokens at 8×8: uneven chunks
            NDArray out = unet.forward(ref("unet.in.sample", m), ref("unet.in.timesteps", m),
                    ref("unet.in.encoder_hidden_states", m));
            assertThat(Fixtures.relL2(out, ref("unet.out.sample", m))).isLessThan(TOLERANCE);
        } finally {
            unet.setAttentionQueryChunk(0);
        }
    }

    @Test
    void singleTimestepIsUsedForTheWholeBatch() {
        try (NDManager m = manager.newSubManager()) {
            NDArray sample = ref("unet.in.sample", m);
            NDArray ctx = ref("unet.in.encoder_hidden_states", m);
            long t0 = ref("unet.in.timesteps", m).toLongArray()[0];
            NDArray both = unet.forward(sample, m.create(new long[] {t0, t0}), ctx);
            NDArray scalar = unet.forward(sample, m.create(t0), ctx);
            NDArray floatScalar = unet.forward(sample, (float) t0, ctx);
            assertThat(Fixtures.relL2(scalar, both)).isLessThan(1e-7);
            assertThat(Fixtures.relL2(floatScalar, both)).isLessThan(1e-7);
            // and the first sample alone equals the reference's first sample
            NDArray first = unet.forward(sample.get("0:1"), m.create(t0), ctx.get("0:1"));
            assertThat(Fixtures.relL2(first, ref("unet.out.sample", m).get("0:1"))).isLessThan(TOLERANCE);
        }
    }

    @Test
    void oddLatentSizesAreUpsampledToTheSkipSize() {
        try (NDManager m = manager.newSubManager()) {
            NDArray sample = m.randomNormal(new Shape(1, 4, 7, 9));
            NDArray ctx = ref("unet.in.encoder_hidden_states", m).get("0:1");
            NDArray out = unet.forward(sample, 500f, ctx);
            assertThat(out.getShape()).isEqualTo(new Shape(1, 4, 7, 9));
        }
    }

    @Test
    void forwardLeavesNothingInTheWeightManager() {
        try (NDManager m = manager.newSubManager()) {
            unet.forward(ref("unet.in.sample", m), ref("unet.in.timesteps", m),
                    ref("unet.in.encoder_hidden_states", m));
        }
        // the first call lets every GroupNorm cache its unit affine arrays in the weight manager
        int afterFirst = manager.getManagedArrays().size();
        try (NDManager m = manager.newSubManager()) {
            unet.forward(ref("unet.in.sample", m), ref("unet.in.timesteps", m),
                    ref("unet.in.encoder_hidden_states", m));
        }
        // every block runs in its own NDScope, so not even nn.GroupNorm's (1, C, 1, 1) views of its weight and bias
        // (which attach to the weights' manager) outlive the call
        assertThat(manager.getManagedArrays().size()).isEqualTo(afterFirst);
    }
}
