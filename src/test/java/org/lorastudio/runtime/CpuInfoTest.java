package org.lorastudio.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuInfoTest {
    @Test
    void cpuInfoReadsModelVendorAndVectorExtensions() {
        CpuInfo cpu = CpuInfo.parse("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\n"
                + "model name\t: AMD EPYC 9R45\nflags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512_bf16\n\n"
                + "processor\t: 1\nmodel name\t: other\n", 2);
        assertThat(cpu.describe()).isEqualTo("AMD EPYC 9R45 (AuthenticAMD family 26 model 2, AVX-512, 2 cores)");
        assertThat(cpu.vectorIsa()).containsExactly("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_bf16");
    }
}
