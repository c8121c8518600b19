package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import com.trainingservice.web.ApiSliceTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.ResultMatcher;

/**
 * The job API over HTTP, with the service mocked: status codes, headers, bodies, and that every
 * bad request is answered as problem details naming the field, before the service is asked.
 */
@ApiSliceTest(JobController.class)
class JobControllerTest {

    private static final String JOBS = "/api/v1/jobs";
    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;
    private static final UUID ID = UUID.fromString("0b5d6c1e-8f7a-4c3b-9d2e-1a2b3c4d5e6f");

    @Autowired
    MockMvc mvc;

    @MockitoBean
    JobService jobs;

    // --- happy paths ---------------------------------------------------------------------------

    @Test
    void submitAnswers202WithTheQueuedJobAndWhereToFindIt() throws Exception {
        TrainingSpec spec = new TrainingSpec(Variant.LENET_BN, 0.9, 2, 256, 42L, 6000);
        given(jobs.submit(spec, Job.ANONYMOUS, null)).willReturn(new JobService.Submission(view(JobState.QUEUED), true));

        mvc.perform(post(JOBS).contentType(MediaType.APPLICATION_JSON).content(json(validSpec())))
                .andExpect(status().isAccepted())
                .andExpect(header().string(HttpHeaders.LOCATION, "/api/v1/jobs/" + ID))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.id").value(ID.toString()))
                .andExpect(jsonPath("$.state").value("QUEUED"))
                .andExpect(jsonPath("$.spec.variant").value("lenet-bn"))
                .andExpect(jsonPath("$.spec.learningRate").value(0.9))
                .andExpect(jsonPath("$.progress.epochs").value(2))
                .andExpect(jsonPath("$.createdAt").value("2025-01-02T03:04:05Z"));
        then(jobs).should().submit(spec, Job.ANONYMOUS, null);
    }

    @Test
    void submitWithoutTheOptionalFieldsPassesThemOnAsNull() throws Exception {
        given(jobs.submit(any(), any(), any())).willReturn(new JobService.Submission(view(JobState.QUEUED), true));
        Map<String, String> spec = validSpec();
        spec.remove("seed");
        spec.remove("trainExamples");

        mvc.perform(post(JOBS).contentType(MediaType.APPLICATION_JSON).content(json(spec)))
                .andExpect(status().isAccepted());
        then(jobs).should().submit(new TrainingSpec(Variant.LENET_BN, 0.9, 2, 256, null, null), Job.ANONYMOUS, null);
    }

    @Test
    void aRepeatedIdempotencyKeyAnswers200WithTheFirstJob() throws Exception {
        TrainingSpec spec = new TrainingSpec(Variant.LENET_BN, 0.9, 2, 256, 42L, 6000);
        given(jobs.submit(spec, Job.ANONYMOUS, "retry-me-1")).willReturn(new JobService.Submission(view(JobState.RUNNING), false));

        mvc.perform(post(JOBS).contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", "retry-me-1")
                        .content(json(validSpec())))
                .andExpect(status().isOk())
                .andExpect(header().string(HttpHeaders.LOCATION, "/api/v1/jobs/" + ID))
                .andExpect(jsonPath("$.id").value(ID.toString()));
    }

    @Test
    void anIdempotencyKeyReusedForAnotherSpecIs422NamingTheHeader() throws Exception {
        given(jobs.submit(any(), any(), any())).willThrow(new IdempotencyKeyReusedException(ID));

        mvc.perform(post(JOBS).contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", "k")
                        .content(json(validSpec())))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[0].field").value("Idempotency-Key"))
                .andExpect(jsonPath("$.errors[0].reason").value(org.hamcrest.Matchers.containsString(ID.toString())));
    }

    @Test
    void anIdempotencyKeyThatIsNotPrintableAsciiIsRefusedBeforeTheService() throws Exception {
        mvc.perform(post(JOBS).contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", "a b")
                        .content(json(validSpec())))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("Idempotency-Key"));
        verifyNoInteractions(jobs);
    }

    @Test
    void aMaxRuntimeIsAnIsoDurationAndTheServiceMayRefuseIt() throws Exception {
        given(jobs.submit(any(), any(), any())).willThrow(new InvalidJobRequestException("maxRuntime", "must be at most PT168H"));
        Map<String, String> spec = validSpec();
        spec.put("maxRuntime", "\"PT30M\"");

        mvc.perform(post(JOBS).contentType(MediaType.APPLICATION_JSON).content(json(spec)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("maxRuntime"))
                .andExpect(jsonPath("$.errors[0].reason").value("must be at most PT168H"));
        then(jobs).should().submit(new TrainingSpec(Variant.LENET_BN, 0.9, 2, 256, 42L, 6000, Duration.ofMinutes(30)),
                Job.ANONYMOUS, null);
    }

    @Test
    void deleteAnswers204AndARunningJobIs409() throws Exception {
        mvc.perform(delete(JOBS + "/" + ID)).andExpect(status().isNoContent());
        then(jobs).should().delete(ID);

        org.mockito.BDDMockito.willThrow(new JobConflictException("job " + ID + " is RUNNING; cancel it first, then delete it"))
                .given(jobs).delete(ID);
        mvc.perform(delete(JOBS + "/" + ID))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("cancel it first")));
    }

    @Test
    void listPassesTheStateFilterAndPagingToTheService() throws Exception {
        given(jobs.list(JobState.RUNNING, 2, 5)).willReturn(new JobPage(List.of(view(JobState.RUNNING)), 2, 5, 11, 3));

        mvc.perform(get(JOBS).param("state", "RUNNING").param("page", "2").param("size", "5"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].id").value(ID.toString()))
                .andExpect(jsonPath("$.page").value(2))
                .andExpect(jsonPath("$.size").value(5))
                .andExpect(jsonPath("$.totalItems").value(11))
                .andExpect(jsonPath("$.totalPages").value(3));
    }

    @Test
    void listDefaultsToEveryStateFirstPageOf20() throws Exception {
        given(jobs.list(null, 0, 20)).willReturn(new JobPage(List.of(), 0, 20, 0, 0));

        mvc.perform(get(JOBS)).andExpect(status().isOk()).andExpect(jsonPath("$.items", hasSize(0)));
        then(jobs).should().list(null, 0, 20);
    }

    @Test
    void getAnswersTheJob() throws Exception {
        given(jobs.get(ID)).willReturn(view(JobState.RUNNING));

        mvc.perform(get(JOBS + "/{id}", ID))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(ID.toString()))
                .andExpect(jsonPath("$.state").value("RUNNING"))
                .andExpect(jsonPath("$.progress.epoch").value(1))
                .andExpect(jsonPath("$.metrics").value(org.hamcrest.Matchers.nullValue())) // no epoch finished yet
                .andExpect(jsonPath("$.result").hasJsonPath());
    }

    @Test
    void metricsAnswersEveryFinishedEpoch() throws Exception {
        given(jobs.metrics(ID)).willReturn(List.of(new EpochMetrics(1, 0.9, 0.6, 0.65, 5000, 12.5),
                new EpochMetrics(2, 0.5, 0.8, 0.82, 5100, 12.1)));

        mvc.perform(get(JOBS + "/{id}/metrics", ID))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.jobId").value(ID.toString()))
                .andExpect(jsonPath("$.epochs[*].epoch").value(org.hamcrest.Matchers.contains(1, 2)))
                .andExpect(jsonPath("$.epochs[1].testAccuracy").value(0.82));
    }

    @Test
    void cancelAnswers202WithTheJob() throws Exception {
        given(jobs.cancel(ID)).willReturn(view(JobState.CANCELLED));

        mvc.perform(post(JOBS + "/{id}/cancel", ID))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.state").value("CANCELLED"));
        then(jobs).should().cancel(ID);
    }

    // --- bad bodies: 400, problem details naming the field, nothing submitted -----------------

    static Stream<Arguments> unreadableBodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"variant\": \"lenet-bn\", \"epochs\": ", "body", "malformed JSON"),
                Arguments.of("empty body", "", "body", "missing"),
                Arguments.of("JSON null", "null", "body", "missing"),
                Arguments.of("array instead of object", "[" + json(validSpec()) + "]", "body", "expected a JSON object"),
                Arguments.of("string instead of object", "\"lenet-bn\"", "body", "expected a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableBodies")
    void anUnreadableBodyIsA400NamingTheProblem(String name, String body, String field, String reason) throws Exception {
        expectProblem(submit(body), 400, field, reason);
        verifyNoInteractions(jobs);
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                // wrong JSON types
                invalid("epochs", "\"x\"", "expected an integer, got the string \"x\""),
                invalid("learningRate", "\"fast\"", "expected a number, got the string \"fast\""),
                invalid("variant", "3", "expected one of [lenet-bn-scratch, lenet-bn, lenet]"),
                invalid("batchSize", "[256]", "expected an integer"),
                invalid("seed", "\"abc\"", "expected an integer, got the string \"abc\""),
                // missing
                invalid("variant", null, "must not be null"),
                invalid("learningRate", null, "must not be null"),
                invalid("epochs", null, "must not be null"),
                invalid("batchSize", null, "must not be null"),
                invalid("variant", "null", "must not be null"),
                // not numbers JSON knows
                invalid("learningRate", "NaN", "NaN and Infinity are not JSON numbers"),
                invalid("learningRate", "Infinity", "NaN and Infinity are not JSON numbers"),
                invalid("learningRate", "-Infinity", "NaN and Infinity are not JSON numbers"),
                invalid("learningRate", "1e400", "must be a finite number"),
                // too large for an int
                invalid("epochs", "1e12", "'1.0E12' is not an integer"),
                invalid("epochs", "99999999999", "out of range"),
                invalid("batchSize", "-99999999999", "out of range"),
                // out of the allowed range
                invalid("learningRate", "0", "must be greater than 0"),
                invalid("learningRate", "-0.1", "must be greater than 0"),
                invalid("learningRate", "10.5", "must be less than or equal to 10"),
                invalid("epochs", "0", "must be greater than or equal to 1"),
                invalid("epochs", "-3", "must be greater than or equal to 1"),
                invalid("epochs", "201", "must be less than or equal to 200"),
                invalid("batchSize", "0", "must be greater than or equal to 1"),
                invalid("batchSize", "-256", "must be greater than or equal to 1"),
                invalid("batchSize", "4097", "must be less than or equal to 4096"),
                invalid("trainExamples", "0", "must be greater than or equal to 1"),
                invalid("trainExamples", "60001", "must be less than or equal to 60000"),
                // a variant the service does not have
                invalid("variant", "\"resnet\"", "unknown variant 'resnet', expected one of [lenet-bn-scratch, lenet-bn, lenet]"),
                invalid("variant", "\"LENET_BN\"", "unknown variant"));
    }

    /** The valid spec with {@code field} set to the raw JSON {@code value}, or left out when null. */
    private static Arguments invalid(String field, String value, String reason) {
        Map<String, String> spec = validSpec();
        if (value == null) {
            spec.remove(field);
        } else {
            spec.put(field, value);
        }
        return Arguments.of(value == null ? field + " missing" : field + " = " + value, json(spec), field, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFields")
    void anInvalidFieldIsA400NamingIt(String name, String body, String field, String reason) throws Exception {
        expectProblem(submit(body), 400, field, reason);
        verifyNoInteractions(jobs);
    }

    @Test
    void anUnknownFieldIsNamedAndTheKnownOnesListed() throws Exception {
        Map<String, String> spec = validSpec();
        spec.put("learningrate", "0.5"); // misspelt: not silently ignored

        expectProblem(submit(json(spec)), 400, "learningrate", "unknown field 'learningrate'")
                .andExpect(jsonPath("$.errors[0].reason", containsString("learningRate")))
                .andExpect(jsonPath("$.detail", containsString("learningrate")));
        verifyNoInteractions(jobs);
    }

    @Test
    void everyInvalidFieldIsReportedAtOnce() throws Exception {
        Map<String, String> spec = validSpec();
        spec.put("epochs", "0");
        spec.put("batchSize", "5000");
        spec.remove("variant");

        submit(json(spec))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.errors", hasSize(3)))
                .andExpect(jsonPath("$.errors[*].field",
                        org.hamcrest.Matchers.containsInAnyOrder("variant", "epochs", "batchSize")));
        verifyNoInteractions(jobs);
    }

    @Test
    void aBodyThatIsNotJsonIs415() throws Exception {
        mvc.perform(post(JOBS).contentType(MediaType.TEXT_PLAIN).content(json(validSpec())))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.status").value(415))
                .andExpect(jsonPath("$.detail", containsString("text/plain")));
        verifyNoInteractions(jobs);
    }

    // --- ids, filters and paging --------------------------------------------------------------

    @Test
    void anUnknownJobIs404() throws Exception {
        given(jobs.get(ID)).willThrow(new JobNotFoundException(ID));

        mvc.perform(get(JOBS + "/{id}", ID))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.title").value("Job not found"))
                .andExpect(jsonPath("$.detail").value("no job with id " + ID));
    }

    @Test
    void metricsAndCancelOfAnUnknownJobAre404() throws Exception {
        given(jobs.metrics(ID)).willThrow(new JobNotFoundException(ID));
        given(jobs.cancel(ID)).willThrow(new JobNotFoundException(ID));

        mvc.perform(get(JOBS + "/{id}/metrics", ID)).andExpect(status().isNotFound())
                .andExpect(content().contentType(PROBLEM));
        mvc.perform(post(JOBS + "/{id}/cancel", ID)).andExpect(status().isNotFound())
                .andExpect(content().contentType(PROBLEM));
    }

    static Stream<String> malformedIds() {
        return Stream.of("xyz", "1234", "0b5d6c1e-8f7a-4c3b-9d2e-1a2b3c4d5e6f0", "0b5d6c1e-8f7a-4c3b-9d2e-1a2b3c4d5e6",
                "a".repeat(5000),
                "..%2F..%2Fetc%2Fpasswd", "%00");
    }

    @ParameterizedTest
    @MethodSource("malformedIds")
    void aMalformedJobIdIs400(String id) throws Exception {
        for (String path : List.of("", "/metrics")) {
            expectProblem(mvc.perform(get(URI.create(JOBS + "/" + id + path))), 400, "id", "must be a job id (UUID)");
        }
        expectProblem(mvc.perform(post(URI.create(JOBS + "/" + id + "/cancel"))), 400, "id", "must be a job id (UUID)");
        verifyNoInteractions(jobs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DONE", "running", "1"})
    void anUnknownStateFilterIs400ListingTheStates(String state) throws Exception {
        expectProblem(mvc.perform(get(JOBS).param("state", state)), 400, "state",
                "must be one of [QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED]");
        verifyNoInteractions(jobs);
    }

    static Stream<Arguments> badPaging() {
        return Stream.of(
                Arguments.of("page", "-1", "must be greater than or equal to 0"),
                Arguments.of("page", "x", "must be of type int"),
                Arguments.of("size", "0", "must be greater than or equal to 1"),
                Arguments.of("size", "1000", "must be less than or equal to 200"),
                Arguments.of("size", "99999999999", "must be of type int"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badPaging")
    void badPagingIs400(String param, String value, String reason) throws Exception {
        expectProblem(mvc.perform(get(JOBS).param(param, value)), 400, param, reason);
        verifyNoInteractions(jobs);
    }

    // --- the job's state and the queue --------------------------------------------------------

    @Test
    void cancellingAFinishedJobIs409() throws Exception {
        given(jobs.cancel(ID)).willThrow(new JobConflictException("job " + ID + " has already ended: SUCCEEDED"));

        mvc.perform(post(JOBS + "/{id}/cancel", ID))
                .andExpect(status().isConflict())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.status").value(409))
                .andExpect(jsonPath("$.detail", containsString("SUCCEEDED")));
    }

    @Test
    void aFullQueueIs429WithRetryAfterInSeconds() throws Exception {
        given(jobs.submit(any(), any(), any())).willThrow(new QueueFullException(100, Duration.ofMinutes(2)));

        submit(json(validSpec()))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string(HttpHeaders.RETRY_AFTER, "120"))
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.detail", containsString("queue is full")));
    }

    @Test
    void retryAfterIsAtLeastOneSecond() throws Exception {
        given(jobs.submit(any(), any(), any())).willThrow(new QueueFullException(100, Duration.ofMillis(200)));

        submit(json(validSpec())).andExpect(status().isTooManyRequests())
                .andExpect(header().string(HttpHeaders.RETRY_AFTER, "1"));
    }

    @Test
    void anUnexpectedErrorIs500WithoutItsMessage() throws Exception {
        given(jobs.get(ID)).willThrow(new IllegalStateException("secret internals"));

        String body = mvc.perform(get(JOBS + "/{id}", ID))
                .andExpect(status().isInternalServerError())
                .andExpect(content().contentType(PROBLEM))
                .andReturn().getResponse().getContentAsString();
        assertThat(body).doesNotContain("secret internals");
    }

    @Test
    void theServiceSeesNothingButValidPagingValues() throws Exception {
        given(jobs.list(any(), anyInt(), anyInt())).willReturn(new JobPage(List.of(), 0, 200, 0, 0));

        mvc.perform(get(JOBS).param("size", "200").param("page", "0")).andExpect(status().isOk());
        then(jobs).should().list(null, 0, 200);
    }

    // --- helpers ------------------------------------------------------------------------------

    private ResultActions submit(String body) throws Exception {
        return mvc.perform(post(JOBS).contentType(MediaType.APPLICATION_JSON).accept(MediaType.APPLICATION_JSON)
                .content(body));
    }

    /** Status, problem+json, and an error naming {@code field} with a reason containing {@code reason}. */
    private static ResultActions expectProblem(ResultActions response, int status, String field, String reason)
            throws Exception {
        return response
                .andExpect(status().is(status))
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(errorNamed(field, reason));
    }

    /** Some errors (1e400 is both infinite and above 10) come with others, in no fixed order. */
    private static ResultMatcher errorNamed(String field, String reason) {
        return result -> {
            List<Map<String, String>> errors = com.jayway.jsonpath.JsonPath.read(
                    result.getResponse().getContentAsString(), "$.errors");
            assertThat(errors).as("errors").isNotEmpty()
                    .anySatisfy(error -> {
                        assertThat(error.get("field")).isEqualTo(field);
                        assertThat(error.get("reason")).contains(reason);
                    });
        };
    }

    private static Map<String, String> validSpec() {
        Map<String, String> spec = new LinkedHashMap<>();
        spec.put("variant", "\"lenet-bn\"");
        spec.put("learningRate", "0.9");
        spec.put("epochs", "2");
        spec.put("batchSize", "256");
        spec.put("seed", "42");
        spec.put("trainExamples", "6000");
        return spec;
    }

    /** Written by hand, so that a test can send what no JSON library writes (NaN, 1e400). */
    private static String json(Map<String, String> rawValues) {
        return rawValues.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static JobView view(JobState state) {
        TrainingSpec spec = new TrainingSpec(Variant.LENET_BN, 0.9, 2, 256, 42L, 6000);
        return new JobView(ID, state, spec, new JobView.Progress(state == JobState.QUEUED ? 0 : 1, 2, 0.0), null, null,
                Instant.parse("2025-01-02T03:04:05Z"), null, null, null);
    }
}
