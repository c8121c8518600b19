package com.trainingservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Keys from a mounted secret file, with reads and predict closed too; actuator's prometheus and info stay open. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "training-service.security.protect-reads=true",
        "training-service.security.protect-predict=true",
        "training-service.dataset.warm-up=false",
        "spring.datasource.url=jdbc:h2:mem:protected-reads-test;DB_CLOSE_DELAY=-1"})
class ProtectedReadsTest {

    private static final String KEY = "k3y-0f-the-test-5d1c0a8e";
    private static final String HASH = "8d074b4462931f8b6a8880a468e889d25983c09ffec721468a0f97e57fb40394";
    private static final String JOB = "/api/v1/jobs/0b5d6c1e-8f7a-4c3b-9d2e-1a2b3c4d5e6f";

    @DynamicPropertySource
    static void keyFile(DynamicPropertyRegistry registry) {
        try {
            Path file = Files.createTempFile("api-keys", ".txt");
            file.toFile().deleteOnExit();
            Files.writeString(file, "# test keys\n\n" + HASH + "  # the test's key\n");
            registry.add("training-service.security.api-keys-file", file::toString);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/jobs", JOB, JOB + "/metrics", JOB + "/events", JOB + "/chart.svg", "/api/v1/models"})
    void readsNeedAKey(String path) throws Exception {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri(path)).GET());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(anonymous.headers().firstValue("Content-Type")).contains("application/problem+json");

        HttpResponse<String> authorized = send(HttpRequest.newBuilder(uri(path)).header("X-API-Key", KEY).GET());
        assertThat(authorized.statusCode()).as(path).isIn(200, 404);
    }

    @Test
    void predictNeedsAKey() throws Exception {
        String path = "/api/v1/models/" + UUID.randomUUID() + "/predict";
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[0]]}"));
        assertThat(send(request).statusCode()).isEqualTo(401);
        assertThat(send(request.header("Authorization", "Bearer " + KEY)).statusCode()).isIn(400, 404);
    }

    @Test
    void prometheusInfoAndProbesStayOpen() throws Exception {
        for (String path : new String[] {"/actuator/prometheus", "/actuator/info", "/actuator/health/liveness"}) {
            assertThat(send(HttpRequest.newBuilder(uri(path)).GET()).statusCode()).as(path).isEqualTo(200);
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
