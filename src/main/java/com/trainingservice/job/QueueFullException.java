package com.trainingservice.job;

import java.time.Duration;

/** The queue holds as many jobs as it may; the client should try again later. */
public class QueueFullException extends RuntimeException {

    private final Duration retryAfter;

    QueueFullException(int capacity, Duration retryAfter) {
        super("the job queue is full (" + capacity + " jobs waiting); try again later");
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
