package com.trainingservice.training;

/** The run cannot go on, for a reason the user can act on (say, a loss that became NaN). */
public class TrainingFailedException extends RuntimeException {

    public TrainingFailedException(String message) {
        super(message);
    }

    public TrainingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
