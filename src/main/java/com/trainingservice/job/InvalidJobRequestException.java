package com.trainingservice.job;

/** A request a job cannot take, for a reason only jobs can tell (a run time over the ceiling): 400 naming the field. */
public class InvalidJobRequestException extends RuntimeException {

    private final String field;
    private final String reason;

    InvalidJobRequestException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
