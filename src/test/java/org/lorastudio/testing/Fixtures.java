package org.lorastudio.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.nn.Weights;
import org.lorastudio.safetensors.SafetensorsFile;

/**
 * Access to the reference fixtures copied into {@code src/test/resources/fixtures/} (tiny models saved by the real
 * diffusers / transformers / PEFT code, with reference inputs and outputs), plus the parity error measure.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** A fixture file or folder, e.g. {@code path("sd-tiny-a/reference.safetensors")}. */
    public static Path path(String relative) {
        URL url = Fixtures.class.getResource("/fixtures/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("no test fixture " + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens a fixture safetensors file. */
    public static SafetensorsFile open(String relative) {
        try {
            return SafetensorsFile.open(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one tensor of a fixture file as an NDArray (floats as float32). */
    public static NDArray tensor(SafetensorsFile file, String name, NDManager manager) {
        return Weights.toNDArray(file, name, manager, DataType.FLOAT32);
    }

    /** Relative L2 error ‖actual − expected‖ / ‖expected‖, computed in float64. */
    public static double relL2(NDArray actual, NDArray expected) {
        if (!actual.getShape().equals(expected.getShape())) {
            throw new AssertionError("shape " + actual.getShape() + " != expected " + expected.getShape());
        }
        float[] a = actual.toType(DataType.FLOAT32, false).toFloatArray();
        float[] e = expected.toType(DataType.FLOAT32, false).toFloatArray();
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - e[i];
            num += d * d;
            den += (double) e[i] * e[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }
}
