package org.lorastudio.nn.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class KernelsTest {
    @Test
    void moduleLoadsAndEveryKernelIsActive() {
        System.out.println(String.join("\n", Kernels.status()));
        assertThat(Kernels.failures(Device.cpu())).isEmpty();
    }
}
