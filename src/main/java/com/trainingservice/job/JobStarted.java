package com.trainingservice.job;

import com.trainingservice.training.Variant;
import java.util.UUID;

/** A job left the queue and is RUNNING on a worker. */
public record JobStarted(UUID jobId, Variant variant) {
}
