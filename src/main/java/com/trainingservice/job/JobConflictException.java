package com.trainingservice.job;

/** The job is in a state that does not allow what was asked (cancel a finished job, say). */
public class JobConflictException extends RuntimeException {

    public JobConflictException(String message) {
        super(message);
    }
}
