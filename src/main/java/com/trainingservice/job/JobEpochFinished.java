package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.Variant;
import java.util.UUID;

/** A running job finished an epoch, with the metrics the API shows for it. */
public record JobEpochFinished(UUID jobId, Variant variant, EpochMetrics metrics) {
}
