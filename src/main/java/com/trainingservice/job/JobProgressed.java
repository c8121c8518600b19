package com.trainingservice.job;

import com.trainingservice.training.Variant;
import java.util.UUID;

/**
 * A running job finished one minibatch.
 *
 * @param examples training examples in that minibatch (the last one of an epoch may be smaller)
 */
public record JobProgressed(UUID jobId, Variant variant, int examples) {
}
