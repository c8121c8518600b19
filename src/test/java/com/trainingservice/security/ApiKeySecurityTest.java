package com.trainingservice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;

import com.trainingservice.job.JobService;
import com.trainingservice.job.JobState;
import com.trainingservice.job.JobView;
import com.trainingservice.training.Trainer;
import com.trainingservice.training.TrainingCancelledException;
import com.trainingservice.training.TrainingObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole filter chain over HTTP with two API keys configured (as hashes) and the defaults otherwise: what needs
 * a key and what does not, how a missing or wrong key is answered, health details for key holders only, and the
 * per-key queue limit. The trainer is a stand-in that trains until its job is cancelled.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "training-service.security.api-keys[0]=" + ApiKeySecurityTest.KEY_HASH,
        "training-service.security.api-keys[1]=" + ApiKeySecurityTest.OTHER_KEY_HASH,
        "training-service.security.max-queued-jobs-per-key=1",
        "training-service.jobs.worker-slots=1",
        "training-service.dataset.warm-up=false",
        "spring.datasource.url=jdbc:h2:mem:api-key-test;DB_CLOSE_DELAY=-1"})
class ApiKeySecurityTest {

    static final String KEY = "k3y-0f-the-test-5d1c0a8e";
    /** printf %s k3y-0f-the-test-5d1c0a8e | sha256sum */
    static final String KEY_HASH = "8d074b4462931f8b6a8880a468e889d25983c09ffec721468a0f97e57fb40394";
    static final String OTHER_KEY = "another-key-7b2e";
    /** in upper case: hex digits in either case are accepted */
    static final String OTHER_KEY_HASH = "57FB39F8365ABE854D05AEDA57720D4D1033EF9E0B7DBFE9DE368879D5691C8C";
    private static final String JOB = "/api/v1/jobs/" + UUID.randomUUID();
    private static final String MODEL = "/api/v1/models/" + UUID.randomUUID();
    private static final String SPEC = """
            {"variant": "lenet", "learningRate": 0.1, "epochs": 1, "batchSize": 64, "seed": 1, "trainExamples": 256}""";

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    JobService jobs;

    @MockitoBean
    Trainer trainer;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void trainUntilCancelled() {
        given(trainer.train(any(), any(), any())).willAnswer(call -> {
            TrainingObserver observer = call.getArgument(2);
            while (!observer.isCancellationRequested()) {
                Thread.sleep(10);
            }
            throw new TrainingCancelledException(1);
        });
    }

    @AfterEach
    void cancelEverything() {
        jobs.list(null, 0, 200).items().stream().filter(job -> !job.state().isTerminal())
                .forEach(job -> jobs.cancel(job.id()));
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs.runningJobs() == 0 && jobs.queueLength() == 0);
    }

    /** method, path, body: every call that needs a key whatever the settings. */
    static Stream<Arguments> protectedCalls() {
        return Stream.of(
                Arguments.of("POST", "/api/v1/jobs", SPEC),
                Arguments.of("POST", JOB + "/cancel", ""),
                Arguments.of("DELETE", JOB, ""),
                Arguments.of("PUT", JOB, "{}"),
                Arguments.of("PATCH", JOB, "{}"),
                Arguments.of("GET", MODEL + "/artifact", null),
                Arguments.of("HEAD", MODEL + "/artifact", null));
    }

    @ParameterizedTest
    @MethodSource("protectedCalls")
    void withoutAKeyIs401SayingWhichHeaderToSend(String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(method, path, body, Map.of());
        expectUnauthorized(response, method, "Bearer");
        if (!"HEAD".equals(method)) {
            JsonNode problem = json.readTree(response.body());
            assertThat(problem.at("/detail").asString()).contains("Authorization: Bearer <key>", "X-API-Key: <key>");
            assertThat(problem.at("/errors/0/field").asString()).isEqualTo("Authorization");
        }
    }

    @ParameterizedTest
    @MethodSource("protectedCalls")
    void aBasicOrOtherAuthorizationIsNoKey(String method, String path, String body) throws Exception {
        expectUnauthorized(send(method, path, body, Map.of("Authorization", "Basic dXNlcjpwYXNz")), method, "Bearer");
    }

    @ParameterizedTest
    @MethodSource("protectedCalls")
    void aWrongKeyIs401NotValidWithoutEchoingIt(String method, String path, String body) throws Exception {
        String wrong = "wrong-" + KEY;
        for (Map<String, String> headers : java.util.List.of(
                Map.of("Authorization", "Bearer " + wrong), Map.of("X-API-Key", wrong))) {
            HttpResponse<String> response = send(method, path, body, headers);
            expectUnauthorized(response, method, "Bearer error=\"invalid_token\"");
            if (!"HEAD".equals(method)) {
                JsonNode problem = json.readTree(response.body());
                assertThat(problem.at("/detail").asString()).isEqualTo("the API key is not valid");
                assertThat(problem.at("/errors/0/field").asString()).isEqualTo(headers.keySet().iterator().next());
                assertThat(response.body()).doesNotContain(wrong);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("protectedCalls")
    void theRightKeyPassesAsBearerOrXApiKey(String method, String path, String body) throws Exception {
        String invalidBody = "POST".equals(method) && path.equals("/api/v1/jobs") ? "{}" : body; // 400: nothing queued
        for (Map<String, String> headers : java.util.List.of(
                Map.of("Authorization", "Bearer " + KEY), Map.of("authorization", "bearer " + OTHER_KEY),
                Map.of("X-API-Key", KEY))) {
            HttpResponse<String> response = send(method, path, invalidBody, headers);
            assertThat(response.statusCode()).as(method + " " + path + " " + headers.keySet())
                    .isNotEqualTo(401).isBetween(400, 405); // the endpoint's own answer: 400, 404 or 405
            assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        }
    }

    @Test
    void readsAndPredictAreOpenByDefaultAndKeepTheirOwnAnswers() throws Exception {
        assertThat(send("GET", "/api/v1/jobs", null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/models", null, Map.of()).statusCode()).isEqualTo(200);
        expectProblem(send("GET", JOB, null, Map.of()), 404);
        expectProblem(send("GET", JOB + "/metrics", null, Map.of()), 404);
        expectProblem(send("GET", "/api/v1/jobs/xyz", null, Map.of()), 400);
        expectProblem(send("GET", MODEL, null, Map.of()), 404);
        HttpResponse<String> predict = send("POST", MODEL + "/predict", "{\"instances\": [[0]]}", Map.of());
        assertThat(predict.statusCode()).as(predict.body()).isIn(400, 404);
        expectProblem(send("GET", "/api/v1/no-such-thing", null, Map.of()), 404);
    }

    @Test
    void healthDetailsOnlyForKeyHoldersPrometheusAndInfoOpen() throws Exception {
        HttpResponse<String> anonymous = send("GET", "/actuator/health", null, Map.of());
        JsonNode hidden = json.readTree(anonymous.body());
        assertThat(hidden.at("/status").isMissingNode()).as(anonymous.body()).isFalse();
        assertThat(hidden.at("/components").isMissingNode()).as(anonymous.body()).isTrue();

        HttpResponse<String> authorized = send("GET", "/actuator/health", null, Map.of("X-API-Key", KEY));
        JsonNode shown = json.readTree(authorized.body());
        assertThat(shown.at("/components/executor/details/workerSlots").asInt()).as(authorized.body()).isEqualTo(1);

        expectUnauthorized(send("GET", "/actuator/health", null, Map.of("X-API-Key", "nope")), "GET",
                "Bearer error=\"invalid_token\"");

        HttpResponse<String> prometheus = send("GET", "/actuator/prometheus", null, Map.of());
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("training_jobs_queued");
        assertThat(send("GET", "/actuator/info", null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/health/liveness", null, Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void noSessionCookie() throws Exception {
        HttpResponse<String> response = send("POST", "/api/v1/jobs", "{}", Map.of("X-API-Key", KEY));
        assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void aKeyMayHaveMaxQueuedJobsQueuedAndOwnsItsJobsById() throws Exception {
        String owner = KEY_HASH.substring(0, 12);
        JobView running = submit(KEY, 202);
        assertThat(running.owner()).isEqualTo(owner);
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs.get(running.id()).state() == JobState.RUNNING);

        JobView queued = submit(KEY, 202);
        assertThat(jobs.get(queued.id()).state()).isEqualTo(JobState.QUEUED);

        HttpResponse<String> refused = send("POST", "/api/v1/jobs", SPEC,
                Map.of("X-API-Key", KEY, "Content-Type", "application/json"));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("30");
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json.readTree(refused.body()).at("/detail").asString()).contains("this API key already has 1 queued jobs");

        JobView other = submit(OTHER_KEY, 202);
        assertThat(other.owner()).isEqualTo(OTHER_KEY_HASH.substring(0, 12).toLowerCase(java.util.Locale.ROOT));

        jobs.cancel(queued.id());
        submit(KEY, 202);
        HttpResponse<String> listed = send("GET", "/api/v1/jobs/" + running.id(), null, Map.of());
        assertThat(json.readTree(listed.body()).at("/owner").asString()).isEqualTo(owner);
        assertThat(listed.body()).doesNotContain(KEY).doesNotContain(KEY_HASH);
    }

    private JobView submit(String key, int status) throws Exception {
        HttpResponse<String> response = send("POST", "/api/v1/jobs", SPEC,
                Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readValue(response.body(), JobView.class);
    }

    private void expectUnauthorized(HttpResponse<String> response, String method, String challenge) throws Exception {
        assertThat(response.statusCode()).as(method + " " + response.uri()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains(challenge);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        if (!"HEAD".equals(method)) {
            JsonNode problem = json.readTree(response.body());
            assertThat(problem.at("/title").asString()).isEqualTo("Unauthorized");
            assertThat(problem.at("/status").asInt()).isEqualTo(401);
        }
    }

    private void expectProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !headers.containsKey("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
