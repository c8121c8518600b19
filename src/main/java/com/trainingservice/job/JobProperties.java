package com.trainingservice.job;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How jobs are queued, run, resumed and kept.
 *
 * @param workerSlots jobs that train at the same time on this instance; 0 (the default): one per GPU on CUDA, one
 *                    on the CPU ({@link com.trainingservice.training.WorkerSlots})
 * @param queueCapacity QUEUED jobs waiting for a slot, all instances together; one more is answered 429
 * @param retryAfter what a 429 tells the client to wait
 * @param shutdownGracePeriod how long shutting down waits for running jobs to reach a minibatch boundary;
 *                            they stay RUNNING in the store and resume from their checkpoint on a live instance
 * @param eventKeepAlive how often an idle event stream gets a comment line, so proxies keep it open
 * @param eventPollInterval how often event streams look for new epochs and states in the store
 * @param progressInterval how often a running job writes its progress and reads whether it was cancelled
 * @param maxAttempts runs a job may start: one that dies this many times ends FAILED with the last reason
 * @param retryDelay wait before a run that failed for an unexpected reason (not the job's fault) is retried
 * @param defaultMaxRuntime a job's maximum run time when its spec names none
 * @param maxRuntimeCeiling the most a spec may ask for
 * @param checkpointRetention how long a SUCCEEDED job keeps its last checkpoint beside its model (0: not at all)
 * @param unfinishedCheckpointRetention how long a FAILED or CANCELLED job keeps its last checkpoint
 * @param heartbeatInterval how often an instance tells the store that its running jobs are alive
 * @param missedHeartbeats heartbeats an instance may miss before its jobs go to another instance
 * @param pollingInterval how often an idle instance looks for queued jobs (a submission to it starts at once)
 */
@Validated
@ConfigurationProperties("training-service.jobs")
public record JobProperties(
        @DefaultValue("0") @Min(0) @Max(64) int workerSlots,
        @DefaultValue("100") @Min(1) @Max(100_000) int queueCapacity,
        @DefaultValue("30s") @NotNull Duration retryAfter,
        @DefaultValue("30s") @NotNull Duration shutdownGracePeriod,
        @DefaultValue("15s") @NotNull Duration eventKeepAlive,
        @DefaultValue("500ms") @NotNull Duration eventPollInterval,
        @DefaultValue("500ms") @NotNull Duration progressInterval,
        @DefaultValue("3") @Min(1) @Max(100) int maxAttempts,
        @DefaultValue("10s") @NotNull Duration retryDelay,
        @DefaultValue("12h") @NotNull Duration defaultMaxRuntime,
        @DefaultValue("7d") @NotNull Duration maxRuntimeCeiling,
        @DefaultValue("0s") @NotNull Duration checkpointRetention,
        @DefaultValue("7d") @NotNull Duration unfinishedCheckpointRetention,
        @DefaultValue("5s") @NotNull Duration heartbeatInterval,
        @DefaultValue("6") @Min(4) @Max(1000) int missedHeartbeats,
        @DefaultValue("2s") @NotNull Duration pollingInterval) {

    @AssertTrue(message = "default-max-runtime must be positive and at most max-runtime-ceiling")
    boolean isDefaultMaxRuntimeWithinCeiling() {
        return defaultMaxRuntime == null || maxRuntimeCeiling == null
                || defaultMaxRuntime.compareTo(Duration.ZERO) > 0 && defaultMaxRuntime.compareTo(maxRuntimeCeiling) <= 0;
    }

    @AssertTrue(message = "intervals must be positive")
    boolean isIntervalsPositive() {
        return isPositive(eventKeepAlive) && isPositive(eventPollInterval) && isPositive(progressInterval)
                && isPositive(heartbeatInterval) && isPositive(pollingInterval);
    }

    /** The same settings with {@code workerSlots} resolved ({@code 0} replaced by the devices' number). */
    JobProperties withWorkerSlots(int resolved) {
        return new JobProperties(resolved, queueCapacity, retryAfter, shutdownGracePeriod, eventKeepAlive,
                eventPollInterval, progressInterval, maxAttempts, retryDelay, defaultMaxRuntime, maxRuntimeCeiling,
                checkpointRetention, unfinishedCheckpointRetention, heartbeatInterval, missedHeartbeats, pollingInterval);
    }

    /** After this long without a heartbeat a running job's claim is void and another instance resumes it. */
    public Duration claimTimeout() {
        return heartbeatInterval.multipliedBy(missedHeartbeats);
    }

    private static boolean isPositive(Duration duration) {
        return duration == null || duration.compareTo(Duration.ZERO) > 0;
    }
}
