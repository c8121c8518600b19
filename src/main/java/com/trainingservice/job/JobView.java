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
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobView(UUID id, JobState state, TrainingSpec spec, Progress progress, EpochMetrics metrics,
                      JobResult result, Instant createdAt, Instant startedAt, Instant finishedAt, String error) {

    /**
     * @param epoch the epoch running now (RUNNING) or the last finished one
     * @param fraction of all epochs, minibatches of the running epoch included
     */
    public record Progress(int epoch, int epochs,
                           @Schema(description = "0..1, of all epochs, counting minibatches of the running one") double fraction) {
    }
}
