package com.trainingservice.inference;

import java.util.List;

/**
 * A predict request was answered with an error.
 *
 * @param reason one of {@link #REASONS}, a short fixed set so that it can be a metric label
 */
public record PredictionRejected(String reason) {

    /** 400 (and any other 4xx not named here): the request's data or its form is wrong. */
    public static final String INVALID_INPUT = "invalid_input";
    /** 404: there is no such model. */
    public static final String NOT_FOUND = "not_found";
    /** 409: the job has not SUCCEEDED (yet). */
    public static final String NOT_READY = "not_ready";
    /** 413: too many instances or images, or too large an upload. */
    public static final String TOO_LARGE = "too_large";
    /** 415: a content type the endpoint does not take. */
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    /** 5xx: the service failed. */
    public static final String INTERNAL = "internal";
    public static final List<String> REASONS = List.of(INVALID_INPUT, NOT_FOUND, NOT_READY, TOO_LARGE,
            UNSUPPORTED_MEDIA_TYPE, INTERNAL);

    /** The reason for an error answer's HTTP status. */
    public static String forStatus(int status) {
        return switch (status) {
            case 404 -> NOT_FOUND;
            case 409 -> NOT_READY;
            case 413 -> TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? INTERNAL : INVALID_INPUT;
        };
    }
}
