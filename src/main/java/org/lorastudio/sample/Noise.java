package org.lorastudio.sample;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Standard-normal draws that a seed reproduces on any device: drawn from libtorch's CPU generator (what a seeded
 * {@code torch.Generator()} on the CPU gives in diffusers) and copied to the target device when it is not the CPU.
 */
public final class Noise {
    private Noise() {
    }

    /**
     * Seeds the engine generator and draws N(0, I) of {@code shape} — equal to
     * {@code torch.randn(shape, generator=torch.Generator().manual_seed(seed))}.
     */
    public static NDArray seeded(NDManager manager, int seed, Shape shape) {
        Engine.getInstance().setRandomSeed(seed);
        return standardNormal(manager, shape);
    }

    /** Draws N(0, I) of {@code shape} from the CPU generator onto {@code manager}'s device. */
    public static NDArray standardNormal(NDManager manager, Shape shape) {
        if (manager.getDevice().equals(Device.cpu())) {
            return manager.randomNormal(shape);
        }
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            return manager.create(cpu.randomNormal(shape).toFloatArray(), shape);
        }
    }

    /** N(0, I) shaped like {@code like}, on its manager (float32). */
    static NDArray like(NDArray like) {
        return standardNormal(like.getManager(), like.getShape());
    }
}
