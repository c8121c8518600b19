package com.trainingservice.job;

import com.trainingservice.training.Variant;
import java.util.UUID;

/**
 * A run of a job on this instance is over, however it ended: the job ended, or it goes on elsewhere (this
 * instance shut down, or lost its claim on the job). Per-job meters of this instance go with it.
 */
public record JobAttemptEnded(UUID jobId, Variant variant) {
}
