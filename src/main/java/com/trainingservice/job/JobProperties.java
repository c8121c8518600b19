package com.trainingservice.job;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How jobs are queued and run.
 *
 * @param workerSlots jobs that train at the same time; 0 (the default): one per GPU on CUDA, one on the CPU
 *                    ({@link com.trainingservice.training.WorkerSlots})
 * @param queueCapacity QUEUED jobs waiting for a slot; one more is answered 429
 * @param retryAfter what a 429 tells the client to wait
 * @param shutdownGracePeriod how long shutting down waits for running jobs to stop
 * @param modelDirectory where trained models are kept
 * @param eventKeepAlive how often an idle event stream gets a comment line, so proxies keep it open
 */
@Validated
@ConfigurationProperties("training-service.jobs")
public record JobProperties(
        @DefaultValue("0") @Min(0) @Max(64) int workerSlots,
        @DefaultValue("100") @Min(1) @Max(100_000) int queueCapacity,
        @DefaultValue("30s") @NotNull Duration retryAfter,
        @DefaultValue("30s") @NotNull Duration shutdownGracePeriod,
        @DefaultValue("./data/models") @NotNull Path modelDirectory,
        @DefaultValue("15s") @NotNull Duration eventKeepAlive) {

    /** The same settings with {@code workerSlots} resolved ({@code 0} replaced by the devices' number). */
    JobProperties withWorkerSlots(int resolved) {
        return new JobProperties(resolved, queueCapacity, retryAfter, shutdownGracePeriod, modelDirectory,
                eventKeepAlive);
    }
}
