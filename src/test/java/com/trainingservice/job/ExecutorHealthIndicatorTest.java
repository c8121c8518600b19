package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class ExecutorHealthIndicatorTest {

    @Test
    void upWithSlotsAndQueue() {
        JobService jobs = mock(JobService.class);
        given(jobs.runningJobs()).willReturn(2);
        given(jobs.queueLength()).willReturn(7);
        JobProperties properties = JobRig.properties(3, 50);

        Health health = new ExecutorHealthIndicator(jobs, properties).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("workerSlots", 3).containsEntry("busySlots", 2)
                .containsEntry("queueLength", 7).containsEntry("queueCapacity", 50);
    }
}
