package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** training-service.jobs.worker-slots: 0 is one per usable GPU, or one on the CPU; a number is taken as it is. */
class WorkerSlotsTest {

    private static BackendStatus gpus(int usable, int unusable) {
        BackendInfo info = FakeComputeBackend.cuda(usable + unusable, "8.6");
        List<ComputeDevice> devices = info.computeDevices().subList(0, usable);
        Map<String, String> failed = unusable == 0 ? Map.of() : Map.of("cuda:" + usable, "no kernel image");
        return new BackendStatus(info, devices, failed, null, null);
    }

    private static final BackendStatus CPU = new BackendStatus(FakeComputeBackend.CPU, List.of(ComputeDevice.cpu()),
            Map.of(), null, null);

    @Test
    void autoIsOnePerUsableGpu() {
        assertThat(WorkerSlots.resolve(WorkerSlots.AUTO, gpus(4, 0))).isEqualTo(4);
        assertThat(WorkerSlots.resolve(WorkerSlots.AUTO, gpus(1, 0))).isEqualTo(1);
        assertThat(WorkerSlots.resolve(WorkerSlots.AUTO, gpus(3, 1))).as("the GPU that failed its self-test").isEqualTo(3);
    }

    @Test
    void autoIsOneOnTheCpuAndWhenNothingCanTrain() {
        assertThat(WorkerSlots.resolve(WorkerSlots.AUTO, CPU)).isEqualTo(1);
        BackendStatus down = new BackendStatus(null, List.of(), Map.of(), null, "ND4J could not be initialised");
        assertThat(WorkerSlots.resolve(WorkerSlots.AUTO, down)).isEqualTo(1);
    }

    @Test
    void aNumberIsTakenAsItIsAndMoreThanTheGpusIsWarnedAbout() {
        assertThat(WorkerSlots.resolve(2, CPU)).isEqualTo(2);
        assertThat(WorkerSlots.warning(2, CPU)).isNull();
        assertThat(WorkerSlots.resolve(2, gpus(4, 0))).isEqualTo(2);
        assertThat(WorkerSlots.warning(2, gpus(4, 0))).isNull();
        assertThat(WorkerSlots.resolve(8, gpus(2, 0))).isEqualTo(8);
        assertThat(WorkerSlots.warning(8, gpus(2, 0))).contains("8 worker slots but 2 usable GPUs")
                .contains("waits for a free GPU");
    }

    @Test
    void aNegativeNumberIsRefused() {
        assertThatThrownBy(() -> WorkerSlots.resolve(-1, CPU)).isInstanceOf(IllegalArgumentException.class);
    }
}
