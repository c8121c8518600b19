package com.trainingservice.web;

import com.trainingservice.job.IdempotencyKeyReusedException;
import com.trainingservice.job.InvalidJobRequestException;
import com.trainingservice.job.JobConflictException;
import com.trainingservice.job.JobNotFoundException;
import com.trainingservice.job.QueueFullException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.fileupload.impl.FileCountLimitExceededException;
import org.apache.tomcat.util.http.fileupload.impl.FileSizeLimitExceededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * Every error as RFC 9457 problem details. Validation problems carry {@code errors}, a list of
 * {@code {field, reason}}, and the detail names them too, so a client sees at once what to fix.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    /** One thing wrong with a request. */
    record FieldProblem(String field, String reason) {
    }

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<Object> apiProblem(ApiProblem problem) {
        return ResponseEntity.status(problem.status()).body(invalid(problem.status(), problem.title(), problem.errors()));
    }

    @ExceptionHandler(JobNotFoundException.class)
    ProblemDetail notFound(JobNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Job not found", e.getMessage());
    }

    @ExceptionHandler(JobConflictException.class)
    ProblemDetail conflict(JobConflictException e) {
        return problem(HttpStatus.CONFLICT, "Conflict with the job's state", e.getMessage());
    }

    @ExceptionHandler(InvalidJobRequestException.class)
    ResponseEntity<Object> invalidJobRequest(InvalidJobRequestException e) {
        return badRequest(List.of(new FieldProblem(e.field(), e.reason())));
    }

    @ExceptionHandler(IdempotencyKeyReusedException.class)
    ResponseEntity<Object> idempotencyKeyReused(IdempotencyKeyReusedException e) {
        HttpStatus status = HttpStatus.UNPROCESSABLE_CONTENT;
        return ResponseEntity.status(status).body(invalid(status, "Idempotency-Key reused",
                List.of(new FieldProblem("Idempotency-Key", e.getMessage()))));
    }

    @ExceptionHandler(QueueFullException.class)
    ResponseEntity<ProblemDetail> queueFull(QueueFullException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())))
                .body(problem(HttpStatus.TOO_MANY_REQUESTS, "Queue full", e.getMessage()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        Class<?> type = e.getRequiredType();
        String expected = type == null ? "a valid value"
                : type == java.util.UUID.class ? "a job id (UUID)"
                : type.isEnum() ? "one of " + java.util.Arrays.toString(type.getEnumConstants())
                : "of type " + type.getSimpleName();
        return badRequest(List.of(new FieldProblem(e.getName(), "must be " + expected)));
    }

    @ExceptionHandler(BodyTooLargeException.class)
    ResponseEntity<Object> bodyTooLarge(BodyTooLargeException e) {
        return tooLarge("body", e.getMessage());
    }

    /** A malformed multipart request, or one with more parts than Tomcat's max-part-count. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> multipart(MultipartException e) {
        if (causeOf(e, FileCountLimitExceededException.class) != null) {
            return tooManyParts(e);
        }
        return badRequest(List.of(new FieldProblem("body", "the multipart request could not be read")));
    }

    private static ResponseEntity<Object> tooManyParts(MultipartException e) {
        return tooLarge("image", "too many multipart parts (" + e.getMostSpecificCause().getMessage() + ")");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        BodyTooLargeException tooLarge = causeOf(e, BodyTooLargeException.class);
        if (tooLarge != null) {
            return bodyTooLarge(tooLarge);
        }
        log.error("unexpected error", e);
        return ResponseEntity.internalServerError().body(problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "the service could not answer this request; it has been logged"));
    }

    /** An upload over spring.servlet.multipart.max-file-size (names the part) or max-request-size (the body). */
    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (causeOf(e, FileCountLimitExceededException.class) != null) {
            return tooManyParts(e);
        }
        FileSizeLimitExceededException file = causeOf(e, FileSizeLimitExceededException.class);
        if (file != null) {
            return tooLarge(file.getFieldName() == null ? "image" : file.getFieldName(),
                    "the file is larger than the limit of " + file.getPermittedSize() + " bytes");
        }
        return tooLarge("body", "the multipart request is larger than the limit"
                + (e.getMaxUploadSize() > 0 ? " of " + e.getMaxUploadSize() + " bytes" : ""));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            errors.add(new FieldProblem(fieldName(error.getField()), error.getDefaultMessage()));
        }
        e.getBindingResult().getGlobalErrors()
                .forEach(error -> errors.add(new FieldProblem(error.getObjectName(), error.getDefaultMessage())));
        return badRequest(errors);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> new FieldProblem(result.getMethodParameter().getParameterName(),
                                error.getDefaultMessage())))
                .toList();
        return badRequest(errors);
    }

    /** 415 names the Content-Type header, like every other request problem names what to fix; Accept is kept. */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String sent = e.getContentType() != null ? e.getContentType().toString()
                : request.getHeader(HttpHeaders.CONTENT_TYPE) != null ? "'" + request.getHeader(HttpHeaders.CONTENT_TYPE) + "'"
                : "(none)";
        String reason = "content type " + sent + " is not supported; send one of "
                + e.getSupportedMediaTypes();
        return handleExceptionInternal(e, invalid(status, "Unsupported media type",
                List.of(new FieldProblem(HttpHeaders.CONTENT_TYPE, reason))), headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return badRequest(List.of(new FieldProblem(e.getRequestPartName(), "the multipart part is missing")));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return badRequest(List.of(new FieldProblem(e.getParameterName(), "is missing")));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        BodyTooLargeException tooLarge = causeOf(e, BodyTooLargeException.class);
        if (tooLarge != null) {
            return bodyTooLarge(tooLarge);
        }
        return badRequest(List.of(describe(e)));
    }

    private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    /** Jackson knows where in the body it stopped; that is the field the client must fix. */
    private static FieldProblem describe(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (!(cause instanceof JacksonException jackson)) {
            String message = e.getMessage();
            return new FieldProblem("body", message != null && message.startsWith("Required request body is missing")
                    ? "the request body is missing" : "the request body could not be read");
        }
        String field = path(jackson.getPath());
        if (cause instanceof PropertyBindingException unknown) {
            return new FieldProblem(field, "unknown field '" + unknown.getPropertyName() + "'; known fields: "
                    + unknown.getKnownPropertyIds());
        }
        if (cause instanceof ValueInstantiationException instantiation && instantiation.getCause() != null) {
            return new FieldProblem(field, instantiation.getCause().getMessage());
        }
        if (cause instanceof InvalidFormatException format && format.getValue() instanceof String text
                && !String.class.equals(format.getTargetType()) && !isEnum(format.getTargetType())) {
            return new FieldProblem(field, "expected " + simpleType(format.getTargetType())
                    + ", got the string \"" + abbreviate(text) + "\"");
        }
        if (cause instanceof InvalidFormatException format) {
            return new FieldProblem(field, "'" + format.getValue() + "' is not " + simpleType(format.getTargetType()));
        }
        String where = field.isEmpty() ? "body" : field;
        if (cause instanceof MismatchedInputException mismatch) {
            // a number or boolean sent as a string is refused, not coerced: say so
            Matcher string = COERCED_STRING.matcher(mismatch.getOriginalMessage());
            if (string.find() && !isEnum(mismatch.getTargetType())) {
                return new FieldProblem(where, "expected " + simpleType(mismatch.getTargetType())
                        + ", got the string \"" + abbreviate(string.group(1)) + "\"");
            }
            return new FieldProblem(where, "expected " + simpleType(mismatch.getTargetType()));
        }
        if (cause instanceof InputCoercionException) {
            return new FieldProblem(where, "the number is out of range");
        }
        if (cause instanceof StreamConstraintsException limit) {
            // the whole body is refused, wherever in it the parser was
            return new FieldProblem("body", "too large: " + withoutConstraintName(withoutLocation(limit.getOriginalMessage())));
        }
        if (cause instanceof StreamReadException parse) {
            String message = withoutLocation(parse.getOriginalMessage());
            Matcher duplicate = DUPLICATE.matcher(message);
            if (duplicate.find()) {
                String name = duplicate.group(1);
                return new FieldProblem(field.isEmpty() ? name : field + "." + name, "is given more than once");
            }
            if (message.contains("Non-standard token")) {
                // a token error has no path, but the parser knows whose value it was reading
                String name = parse.processor() == null ? null : parse.processor().currentName();
                return new FieldProblem(name == null ? where : name,
                        "NaN and Infinity are not JSON numbers; send a finite number");
            }
            return new FieldProblem(where, "malformed JSON: " + message);
        }
        return new FieldProblem(where, withoutLocation(jackson.getOriginalMessage()));
    }

    /** How Jackson refuses a string where coercion is off: 'Cannot coerce String value ("5") to ...'. */
    private static final Pattern COERCED_STRING = Pattern.compile("^Cannot coerce String value \\(\"(.*)\"\\)");

    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate Object property \"(.*)\"");

    /** "... (32, from `StreamReadConstraints.getMaxNestingDepth()`)" names a setting the client cannot see. */
    private static String withoutConstraintName(String message) {
        return message.replaceAll(", from `StreamReadConstraints\\.[A-Za-z]+\\(\\)`", "");
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static boolean isEnum(Class<?> type) {
        return type != null && type.isEnum();
    }

    private static ResponseEntity<Object> tooLarge(String field, String reason) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                .body(invalid(HttpStatus.CONTENT_TOO_LARGE, "Too large", List.of(new FieldProblem(field, reason))));
    }

    /** Jackson appends where it was in a source it does not show; the client has the body. */
    private static String withoutLocation(String message) {
        int location = message.indexOf(" (start marker at");
        if (location < 0) {
            location = message.indexOf("\n at [Source");
        }
        return location < 0 ? message : message.substring(0, location);
    }

    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : references) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "a valid value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of " + enumValues(type);
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        return "a JSON object";
    }

    /** The constants as JSON spells them: by their {@code @JsonValue} method where they have one. */
    private static String enumValues(Class<?> type) {
        java.lang.reflect.Method jsonValue = java.util.Arrays.stream(type.getMethods())
                .filter(method -> method.isAnnotationPresent(com.fasterxml.jackson.annotation.JsonValue.class)
                        && method.getParameterCount() == 0)
                .findFirst().orElse(null);
        return java.util.Arrays.stream(type.getEnumConstants()).map(constant -> {
            try {
                return jsonValue == null ? constant.toString() : String.valueOf(jsonValue.invoke(constant));
            } catch (ReflectiveOperationException e) {
                return constant.toString();
            }
        }).toList().toString();
    }

    /** Bean validation names a record component by its accessor-free name already; strip the getter form of @AssertTrue. */
    private static String fieldName(String field) {
        return Map.of("learningRateFinite", "learningRate").getOrDefault(field, field);
    }

    private static ResponseEntity<Object> badRequest(List<FieldProblem> errors) {
        return ResponseEntity.badRequest().body(invalid(HttpStatus.BAD_REQUEST, "Invalid request", errors));
    }

    private static ProblemDetail invalid(HttpStatusCode status, String title, List<FieldProblem> errors) {
        String detail = errors.stream().map(error -> error.field() + ": " + error.reason())
                .collect(Collectors.joining("; "));
        ProblemDetail problem = problem(status, title, detail);
        problem.setProperty("errors", errors);
        return problem;
    }

    private static ProblemDetail problem(HttpStatusCode status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
