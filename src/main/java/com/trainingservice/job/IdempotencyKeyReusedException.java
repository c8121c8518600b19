package com.trainingservice.job;

import java.util.UUID;

/** An Idempotency-Key sent again with another request than the one that created its job: 422. */
public class IdempotencyKeyReusedException extends RuntimeException {

    IdempotencyKeyReusedException(UUID jobId) {
        super("this Idempotency-Key was sent before with another request, which created job " + jobId
                + "; use a new key for a new job");
    }
}
