package com.trainingservice.training;

/** The observer asked the run to stop; nothing is wrong. */
public class TrainingCancelledException extends RuntimeException {

    public TrainingCancelledException(int epoch) {
        super("cancelled during epoch " + epoch);
    }
}
