package org.lorastudio.nn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.safetensors.TensorInfo;
import org.lorastudio.util.UserException;

/**
 * Bridges safetensors files and DJL: turns tensors into NDArrays and loads a {@link Module}'s parameters by key.
 *
 * <p>Each tensor is memory-mapped on its own and copied into memory libtorch owns ({@link #owned}), so loading a
 * model costs about one copy of its weights and the arrays are ordinary, writable tensors. BF16 is widened to
 * float32 in Java before DJL sees it, because DJL aborts the JVM on bfloat16 (FORMATS §8).
 */
public final class Weights {
    private Weights() {
    }

    /** A tensor stored in a file under {@code name}. */
    public record TensorRef(SafetensorsFile file, String name) {
        public TensorInfo info() {
            return file.info(name);
        }
    }

    /**
     * Creates an NDArray for one tensor. Float tensors become {@code floatType} (FLOAT32, or FLOAT16 to keep half
     * weights half); integer tensors keep their integer type.
     */
    public static NDArray toNDArray(SafetensorsFile file, String name, NDManager manager, DataType floatType) {
        try {
            TensorInfo t = file.info(name);
            Shape shape = new Shape(t.shape());
            ByteBuffer mapped = file.map(name);
            return switch (t.dtype()) {
                case F32 -> {
                    NDArray view = manager.create(mapped, shape, DataType.FLOAT32);
                    NDArray a = floatType == DataType.FLOAT32 ? owned(view) : view.toType(floatType, false);
                    if (a != view) {
                        view.close();
                        unmap(mapped); // nothing reads the mapping any more: release it now, not at the next GC
                    }
                    yield a;
                }
                case F16 -> floatType == DataType.FLOAT16
                        ? unmapAfter(owned(manager.create(mapped, shape, DataType.FLOAT16)), mapped)
                        : manager.create(SafetensorsFile.toFloats(DType.F16, mapped, (int) t.numel()), shape);
                case BF16, F64 -> {
                    NDArray a = manager.create(SafetensorsFile.toFloats(t.dtype(), mapped, (int) t.numel()), shape);
                    yield floatType == DataType.FLOAT32 ? a : a.toType(floatType, false);
                }
                case I64 -> manager.create(mapped, shape, DataType.INT64);
                case I32 -> manager.create(mapped, shape, DataType.INT32);
                case I8 -> manager.create(mapped, shape, DataType.INT8);
                case U8 -> manager.create(mapped, shape, DataType.UINT8);
                case BOOL -> manager.create(mapped, shape, DataType.BOOLEAN);
                default -> throw new UserException(file.path().getFileName() + ": tensor '" + name + "' has dtype "
                        + t.dtype() + ", which the PyTorch engine cannot hold");
            };
        } catch (IOException e) {
            throw new UncheckedIOException("reading tensor '" + name + "' of " + file.path(), e);
        }
    }

    /**
     * A torch-owned copy of an array that wraps a file mapping. Keeping weights as zero-copy views of the mapping
     * (torch::from_blob) was measured to corrupt training: with the Java GC running, 2 of 6 demo runs got NaN
     * gradients, 0 of 6 with copies and 0 of 6 with GC disabled — some mapping was released while libtorch still
     * read it. So weights are copied once at load (one tensor at a time: peak memory stays near one copy of the
     * model) and the mapping is released at once.
     */
    private static NDArray unmapAfter(NDArray copy, ByteBuffer mapping) {
        unmap(mapping);
        return copy;
    }

    /** Releases a file mapping at once (sun.misc.Unsafe.invokeCleaner), so loading needs about one model copy. */
    static void unmap(ByteBuffer mapping) {
        if (!(mapping instanceof java.nio.MappedByteBuffer) || !mapping.isDirect()) {
            return;
        }
        try {
            java.lang.reflect.Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            unsafe.getClass().getMethod("invokeCleaner", ByteBuffer.class).invoke(unsafe, mapping);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not available on this JVM: the mapping is released by the GC instead
        }
    }

    public static NDArray owned(NDArray view) {
        NDArray copy = view.duplicate();
        view.close();
        return copy;
    }

    /**
     * Maps every tensor of {@code file} to a model key with {@code keyMap} (null = skip the tensor).
     */
    public static Map<String, TensorRef> refs(SafetensorsFile file, Function<String, String> keyMap) {
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (String k : file.tensors().keySet()) {
            String mk = keyMap.apply(k);
            if (mk != null) {
                out.put(mk, new TensorRef(file, k));
            }
        }
        return out;
    }

    /** Checks keys and shapes of {@code sources} against {@code model} without loading anything. */
    public static LoadReport check(Module model, Map<String, TensorRef> sources, String sourceName) {
        Map<String, Parameter> params = model.namedParameters();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        int ok = 0;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            TensorRef ref = sources.get(e.getKey());
            if (ref == null) {
                missing.add(e.getKey());
            } else if (!compatible(ref.info().shape(), e.getValue().shape().getShape())) {
                mismatched.add(e.getKey() + " (file " + Arrays.toString(ref.info().shape()) + ", model "
                        + e.getValue().shape() + ")");
            } else {
                ok++;
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String k : sources.keySet()) {
            if (!params.containsKey(k)) {
                unexpected.add(k);
            }
        }
        return new LoadReport(sourceName, ok, missing, unexpected, mismatched);
    }

    /**
     * Loads every parameter of {@code model} from {@code sources}. Any missing, unexpected or mis-shaped key is an
     * error listing the names; nothing is half-loaded in that case.
     */
    public static LoadReport load(Module model, Map<String, TensorRef> sources, NDManager manager,
                                  DataType floatType, String sourceName) {
        LoadReport report = check(model, sources, sourceName);
        if (!report.ok()) {
            throw new UserException(report.describe() + " — is this the right base model for this architecture?");
        }
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            TensorRef ref = sources.get(e.getKey());
            NDArray a = toNDArray(ref.file(), ref.name(), manager, floatType);
            Shape want = e.getValue().shape();
            if (!a.getShape().equals(want)) {
                a = a.reshape(want); // only size-1 axes differ, e.g. a 1×1 conv kernel used as a Linear weight
            }
            a.setName(e.getKey());
            e.getValue().set(a);
        }
        return report;
    }

    /** Shapes are compatible when equal, or equal after dropping size-1 axes (1×1 conv vs Linear). */
    static boolean compatible(long[] file, long[] model) {
        if (Arrays.equals(file, model)) {
            return true;
        }
        return Arrays.equals(Arrays.stream(file).filter(d -> d != 1).toArray(),
                Arrays.stream(model).filter(d -> d != 1).toArray());
    }

    /** Fills every parameter with values drawn by {@code init} (used for random-weight models in tests/benchmarks). */
    public static void initialize(Module model, NDManager manager, Function<Parameter, NDArray> init) {
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            NDArray a = init.apply(e.getValue());
            a.setName(e.getKey());
            e.getValue().set(a);
        }
    }
}
