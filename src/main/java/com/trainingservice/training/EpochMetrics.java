package com.trainingservice.training;

/**
 * One finished epoch, as the reference defines it: loss and train accuracy accumulated over the
 * epoch's training steps, test accuracy on the full test set in inference mode after the epoch.
 *
 * @param examplesPerSecond training examples of this epoch divided by the time spent in training steps
 * @param seconds wall time of the epoch, evaluation included
 */
public record EpochMetrics(int epoch, double loss, double trainAccuracy, double testAccuracy,
                           double examplesPerSecond, double seconds) {
}
