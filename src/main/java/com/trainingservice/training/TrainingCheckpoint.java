package com.trainingservice.training;

/**
 * Everything a run needs to go on after {@code epochsDone} epochs as if it had never stopped: the
 * network with its parameters, running statistics and updater state (a DL4J model zip). The shuffle
 * of epoch e is a function of (seed, e) alone, so the epoch number is the shuffle's position.
 *
 * @param network a DL4J model zip written with its updater
 * @param trainingNanos time spent in training steps in the epochs done, for the run's examples/s
 * @param examplesTrained training examples of the epochs done
 */
public record TrainingCheckpoint(int epochsDone, byte[] network, long trainingNanos, long examplesTrained) {

    public TrainingCheckpoint {
        if (epochsDone < 1) {
            throw new IllegalArgumentException("a checkpoint follows at least one epoch, not " + epochsDone);
        }
    }
}
