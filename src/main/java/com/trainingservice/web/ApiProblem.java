package com.trainingservice.web;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A request that is well-formed JSON but wrong in a way only the feature can tell (a predict
 * instance of the wrong length, an image that is not an image): answered as a problem naming the field.
 */
public class ApiProblem extends RuntimeException {

    private final HttpStatus status;
    private final String title;
    private final List<ApiExceptionHandler.FieldProblem> errors;

    private ApiProblem(HttpStatus status, String title, String field, String reason) {
        super(field + ": " + reason);
        this.status = status;
        this.title = title;
        this.errors = List.of(new ApiExceptionHandler.FieldProblem(field, reason));
    }

    public static ApiProblem badRequest(String field, String reason) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "Invalid request", field, reason);
    }

    public static ApiProblem notFound(String field, String reason) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "Not found", field, reason);
    }

    public static ApiProblem conflict(String field, String reason) {
        return new ApiProblem(HttpStatus.CONFLICT, "Conflict", field, reason);
    }

    public static ApiProblem payloadTooLarge(String field, String reason) {
        return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "Too large", field, reason);
    }

    HttpStatus status() {
        return status;
    }

    String title() {
        return title;
    }

    List<ApiExceptionHandler.FieldProblem> errors() {
        return errors;
    }
}
