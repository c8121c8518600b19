package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

import com.trainingservice.training.BackendStatus;
import com.trainingservice.training.ComputeDevice;
import com.trainingservice.training.DevicePool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class ExecutorHealthIndicatorTest {

    private static JobProperties slots(int workerSlots) {
        return JobRig.properties(workerSlots, 50);
    }

    private static Health health(JobProperties properties, DevicePool devices) {
        JobService jobs = mock(JobService.class);
        given(jobs.runningJobs()).willReturn(2);
        given(jobs.queueLength()).willReturn(7);
        return new ExecutorHealthIndicator(jobs, properties, devices).health();
    }

    @Test
    void upWithSlotsAndQueue() {
        Health health = health(slots(3), DevicePool.sharedCpu());

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("workerSlots", 3).containsEntry("busySlots", 2)
                .containsEntry("queueLength", 7).containsEntry("queueCapacity", 50);
    }

    @Test
    void autoSlotsAreOnePerGpu() {
        List<ComputeDevice> gpus = List.of(ComputeDevice.cuda(0, "GPU", "8.6", 0), ComputeDevice.cuda(1, "GPU", "8.6", 0));
        DevicePool pool = new DevicePool(new BackendStatus(null, gpus, Map.of(), null, null), device -> { });

        assertThat(health(slots(0), pool).getDetails()).containsEntry("workerSlots", 2);
        assertThat(health(slots(0), DevicePool.sharedCpu()).getDetails()).containsEntry("workerSlots", 1);
    }
}
