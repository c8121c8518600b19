package com.trainingservice.training;

/** Receives a training run's progress; called from the training thread, so keep it quick. */
public interface TrainingObserver {

    /** Called often (once per minibatch): the run stops before its next minibatch once this answers true. */
    default boolean isCancellationRequested() {
        return false;
    }

    default void started(String device) {
    }

    /** After each minibatch; {@code batchesDone} of {@code batchesPerEpoch} in the current epoch. */
    default void batchFinished(int epoch, int batchesDone, int batchesPerEpoch) {
    }

    /** After each epoch, with what it takes to resume after it. */
    default void epochFinished(EpochMetrics metrics, TrainingCheckpoint checkpoint) {
    }
}
