package com.trainingservice.job;

import com.trainingservice.training.Variant;
import java.util.UUID;

/**
 * A job left the queue and is RUNNING on a worker, which holds {@code device} for it.
 *
 * @param device "cpu", "cuda:0", ...
 */
public record JobStarted(UUID jobId, Variant variant, String device) {
}
