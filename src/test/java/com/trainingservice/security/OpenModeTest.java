package com.trainingservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * No key configured: every endpoint answers as it always did, whatever key a client sends, and the start-up log
 * says so. The model directory is this test's own, so the context (and its start-up log) is not one cached by
 * another test.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "training-service.dataset.warm-up=false",
        "spring.datasource.url=jdbc:h2:mem:open-mode-test;DB_CLOSE_DELAY=-1"})
class OpenModeTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startsOpenAndWarnsOnce(CapturedOutput output) {
        assertThat(output.getAll())
                .containsOnlyOnce("no API keys configured: every endpoint is open; set training-service.security.api-keys");
    }

    @Test
    void mutatingCallsAndDownloadsAnswerAsBeforeWithOrWithoutAKey() throws Exception {
        String job = "/api/v1/jobs/" + UUID.randomUUID();
        for (String key : new String[] {null, "any-key"}) {
            assertThat(send("POST", "/api/v1/jobs", "{}", key).statusCode()).isEqualTo(400);
            assertThat(send("POST", job + "/cancel", "", key).statusCode()).isEqualTo(404);
            assertThat(send("GET", "/api/v1/models/" + UUID.randomUUID() + "/artifact", null, key).statusCode())
                    .isEqualTo(404);
            HttpResponse<String> health = send("GET", "/actuator/health", null, key);
            assertThat(health.statusCode()).isIn(200, 503);
            assertThat(health.body()).doesNotContain("components");
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
