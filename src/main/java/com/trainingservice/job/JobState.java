package com.trainingservice.job;

/** A job's life: QUEUED, then RUNNING, then one of the three terminal states. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
