package com.trainingservice.job;

import com.trainingservice.training.Variant;
import java.util.UUID;

/** A job was accepted into the queue (a refused submission publishes nothing). */
public record JobSubmitted(UUID jobId, Variant variant) {
}
