package org.lorastudio.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChildJvmTest {
    @Test
    void runsTheCommandLineInAChildAndCapturesItsOutput() throws Exception {
        ChildJvm.Result result = ChildJvm.cli().args("config", "keys").run(120);

        assertThat(result.timedOut()).isFalse();
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("lora_rank");
    }

    @Test
    void aKilledChildReportsItWasKilled() throws Exception {
        ChildJvm.Running running = ChildJvm.cli().args("config", "keys").start();
        running.kill();

        ChildJvm.Result result = running.await(10);
        assertThat(result.exitCode()).isIn(0, 137);
    }
}
