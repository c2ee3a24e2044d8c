package org.lorastudio.runtime;

import java.util.Locale;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.lorastudio.util.UserException;

/**
 * Chooses the compute device from the config's {@code device} value: {@code auto} takes the first GPU that DJL's
 * PyTorch engine sees (a CUDA flavour of libtorch must be installed, see the README) and the CPU otherwise.
 */
public final class Devices {
    private Devices() {
    }

    /** Resolves {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device resolve(String spec) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        int gpus = gpuCount();
        switch (s) {
            case "auto":
                return gpus > 0 ? Device.gpu(0) : Device.cpu();
            case "cpu":
                return Device.cpu();
            case "cuda":
            case "gpu":
                return gpu(0, gpus, spec);
            default:
                if (s.startsWith("cuda:")) {
                    try {
                        return gpu(Integer.parseInt(s.substring(5)), gpus, spec);
                    } catch (NumberFormatException e) {
                        throw new UserException("device '" + spec + "': expected auto, cpu, cuda or cuda:N");
                    }
                }
                throw new UserException("device '" + spec + "': expected auto, cpu, cuda or cuda:N");
        }
    }

    private static Device gpu(int index, int gpus, String spec) {
        if (index >= gpus) {
            throw new UserException("device '" + spec + "' was asked for, but the PyTorch engine sees "
                    + (gpus == 0 ? "no GPU (the bundled libtorch is the CPU build; see the README's GPU section, or"
                    + " use device: auto)" : gpus + " GPU(s)"));
        }
        return Device.gpu(index);
    }

    /** Number of CUDA devices the engine sees (0 with the bundled CPU libtorch). */
    public static int gpuCount() {
        NativeThreads.configureDefaults(); // before the engine starts, if this is the first use
        return Engine.getInstance().getGpuCount();
    }

    /**
     * What a training run switches on for its device, once per process: on a CUDA device cuDNN's benchmark mode
     * (it times the convolution algorithms for the first batch of each shape and keeps the fastest — the shapes of a
     * run are fixed, so this pays off from the second step). TF32 stays at libtorch's defaults: on for cuDNN
     * convolutions, off for matmuls, because DJL 0.36 exposes no switch for {@code allow_tf32} on matmuls (PyTorch's
     * {@code torch.backends.cuda.matmul.allow_tf32} is a Python-side flag, not an op a TorchScript kernel could call).
     * Nothing on the CPU.
     *
     * @return the line for the run's log, or empty on the CPU
     */
    public static java.util.Optional<String> prepareForTraining(Device d) {
        if (!d.isGpu()) {
            return java.util.Optional.empty();
        }
        synchronized (Devices.class) {
            if (!cudnnBenchmark) {
                ai.djl.pytorch.jni.JniUtils.setBenchmarkCuDNN(true);
                cudnnBenchmark = true;
            }
        }
        return java.util.Optional.of(GPU_SETUP);
    }

    /** The log line of {@link #prepareForTraining} on a GPU. */
    static final String GPU_SETUP = "GPU setup: cuDNN benchmark mode on; TF32 as libtorch sets it (cuDNN convolutions"
            + " yes, matmuls no: DJL 0.36 has no switch for matmul TF32)";
    private static boolean cudnnBenchmark;

    /** A short description such as {@code CPU (2 cores)} or {@code GPU 0}. */
    public static String describe(Device d) {
        if (d.isGpu()) {
            return "GPU " + d.getDeviceId();
        }
        return "CPU (" + Runtime.getRuntime().availableProcessors() + " cores)";
    }
}
