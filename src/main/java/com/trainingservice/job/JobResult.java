package com.trainingservice.job;

/** The figures of a SUCCEEDED job: its last epoch, and throughput over all epochs. */
public record JobResult(double loss, double trainAccuracy, double testAccuracy, double examplesPerSecond,
                        String device) {
}
