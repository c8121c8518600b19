package com.trainingservice.job;

import com.trainingservice.training.Variant;
import java.time.Duration;
import java.util.UUID;

/**
 * A job reached a terminal state: published exactly once per job, whichever way it ended
 * (succeeded, failed, cancelled while queued or running, stopped by a shutdown).
 *
 * @param state SUCCEEDED, FAILED or CANCELLED
 * @param runTime time spent running, all attempts together; zero when the job never ran (cancelled while queued)
 */
public record JobEnded(UUID jobId, Variant variant, JobState state, Duration runTime) {
}
