package com.trainingservice.job;

import java.time.Duration;

/** The queue holds as many jobs as it may; the client should try again later. */
public class QueueFullException extends RuntimeException {

    private final Duration retryAfter;

    QueueFullException(int capacity, Duration retryAfter) {
        this("the job queue is full (" + capacity + " jobs waiting); try again later", retryAfter);
    }

    private QueueFullException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** The owner (an API key, or every anonymous caller) has as many QUEUED jobs as one may have. */
    static QueueFullException forOwner(String owner, int limit, Duration retryAfter) {
        String who = Job.ANONYMOUS.equals(owner) ? "callers without an API key already have " : "this API key already has ";
        return new QueueFullException(who + limit + " queued jobs, the most one key may have; "
                + "try again when one has started", retryAfter);
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
