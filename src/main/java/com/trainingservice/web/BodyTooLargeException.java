package com.trainingservice.web;

/** A request body over {@link WebProperties#maxBodyBytes()}: answered 413, the rest of the body left unread. */
class BodyTooLargeException extends RuntimeException {

    private final long limit;

    BodyTooLargeException(String message, long limit) {
        super(message);
        this.limit = limit;
    }

    long limit() {
        return limit;
    }
}
