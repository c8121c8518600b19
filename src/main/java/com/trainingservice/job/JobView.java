package com.trainingservice.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingSpec;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/**
 * A job as the API shows it.
 *
 * @param metrics the latest finished epoch, null before the first
 * @param result set once SUCCEEDED
 * @param error why a job FAILED or was CANCELLED
 * @param owner who submitted it: the id of its API key (the first 12 hex digits of the key's SHA-256 hash), or
 *              {@code anonymous} when no key was sent
 * @param attempts runs started: 1 for a job that ran once, more when it resumed after a crash
 * @param device where it trains or trained ("cpu", "cuda:0", ...); null until its run has a device
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobView(UUID id, JobState state, TrainingSpec spec, Progress progress, EpochMetrics metrics,
                      JobResult result, Instant createdAt, Instant startedAt, Instant finishedAt, String error,
                      @Schema(description = "id of the API key that submitted the job (first 12 hex digits of its SHA-256 hash), or anonymous")
                      String owner,
                      @Schema(description = "runs started: 1 for a job that ran once, more when it resumed from a checkpoint after a crash")
                      int attempts,
                      @Schema(description = "where the job trains or trained: cpu, cuda:0, ...; null until it has a device")
                      String device) {

    /** A job submitted without a key that ran at most once. */
    public JobView(UUID id, JobState state, TrainingSpec spec, Progress progress, EpochMetrics metrics,
                   JobResult result, Instant createdAt, Instant startedAt, Instant finishedAt, String error) {
        this(id, state, spec, progress, metrics, result, createdAt, startedAt, finishedAt, error, Job.ANONYMOUS,
                startedAt == null ? 0 : 1, null);
    }

    /** A job not yet on a device. */
    public JobView(UUID id, JobState state, TrainingSpec spec, Progress progress, EpochMetrics metrics,
                   JobResult result, Instant createdAt, Instant startedAt, Instant finishedAt, String error,
                   String owner) {
        this(id, state, spec, progress, metrics, result, createdAt, startedAt, finishedAt, error, owner,
                startedAt == null ? 0 : 1, null);
    }

    /**
     * @param epoch the epoch running now (RUNNING) or the last finished one
     * @param fraction of all epochs, minibatches of the running epoch included
     */
    public record Progress(int epoch, int epochs,
                           @Schema(description = "0..1, of all epochs, counting minibatches of the running one") double fraction) {
    }
}
