package org.lorastudio.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.lorastudio.util.UserException;

/** Device choice and the per-device setup a run logs (issue 15 item 6, checked here on the CPU build). */
class DevicesTest {
    @Test
    void theCpuGetsNoGpuSetupAndACudaDeviceGetsCudnnBenchmarkWithTheTf32Facts() {
        assertThat(Devices.prepareForTraining(Device.cpu())).isEmpty();
        // the CPU libtorch accepts the cuDNN flag (a global bool); on a CUDA build it picks the fastest algorithms
        assertThat(Devices.prepareForTraining(Device.gpu(0))).contains(Devices.GPU_SETUP);
        assertThat(Devices.GPU_SETUP).contains("cuDNN benchmark mode on").contains("matmuls no");
        assertThat(Devices.prepareForTraining(Device.gpu(0))).as("once per process, same line").contains(
                Devices.GPU_SETUP);
    }

    @Test
    void askingForAGpuTheEngineDoesNotSeeIsOnePlainMessage() {
        if (Devices.gpuCount() > 0) {
            return; // a CUDA machine: cuda:0 is there
        }
        assertThat(Devices.resolve("auto")).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> Devices.resolve("cuda")).isInstanceOf(UserException.class)
                .hasMessageContaining("sees no GPU").hasMessageContaining("device: auto");
        assertThatThrownBy(() -> Devices.resolve("tpu")).isInstanceOf(UserException.class)
                .hasMessageContaining("expected auto, cpu, cuda or cuda:N");
    }
}
