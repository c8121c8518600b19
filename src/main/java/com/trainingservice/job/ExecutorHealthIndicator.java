package com.trainingservice.job;

import com.trainingservice.training.DevicePool;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code executor}: the worker slots and the queue. Always UP: a busy service with a full
 * queue is working as it should (submissions get 429); the details tell how loaded it is.
 */
@Component("executorHealthIndicator")
class ExecutorHealthIndicator implements HealthIndicator {

    private final JobService jobs;
    private final JobProperties properties;
    private final DevicePool devices;

    ExecutorHealthIndicator(JobService jobs, JobProperties properties, DevicePool devices) {
        this.jobs = jobs;
        this.properties = properties;
        this.devices = devices;
    }

    @Override
    public Health health() {
        return Health.up()
                .withDetail("workerSlots", devices.workerSlots(properties.workerSlots()))
                .withDetail("busySlots", jobs.runningJobs())
                .withDetail("queueLength", jobs.queueLength())
                .withDetail("queueCapacity", properties.queueCapacity())
                .build();
    }
}
