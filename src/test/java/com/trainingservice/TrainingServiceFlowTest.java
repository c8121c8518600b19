package com.trainingservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.TestData;
import com.trainingservice.training.data.FashionMnist;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service over real HTTP, as a user drives it with curl: submit a small real-data job,
 * follow its events to the end, read its metrics, download its model and predict with it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:flow-test;DB_CLOSE_DELAY=-1")
class TrainingServiceFlowTest {

    private static final int TEST_IMAGES = 32;

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void trainFollowAndPredict() throws Exception {
        HttpResponse<String> submitted = post("/api/v1/jobs", "application/json", """
                {"variant": "lenet-bn", "learningRate": 0.9, "epochs": 1, "batchSize": 64, "seed": 1, "trainExamples": 2048}""");
        assertThat(submitted.statusCode()).isEqualTo(202);
        JsonNode job = json.readTree(submitted.body());
        String id = job.get("id").asString();
        assertThat(submitted.headers().firstValue("Location")).contains("/api/v1/jobs/" + id);
        assertThat(job.get("state").asString()).isIn("QUEUED", "RUNNING");

        List<String> events = followEvents(id);
        assertThat(events).contains("epoch", "device").last().isEqualTo("state");

        JsonNode done = json.readTree(get("/api/v1/jobs/" + id).body());
        assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(done.at("/progress/fraction").asDouble()).isEqualTo(1.0);
        assertThat(done.at("/result/device").asString()).isEqualTo("cpu");
        assertThat(done.at("/device").asString()).isEqualTo("cpu");
        double testAccuracy = done.at("/result/testAccuracy").asDouble();
        assertThat(testAccuracy).isGreaterThan(0.3);

        JsonNode metrics = json.readTree(get("/api/v1/jobs/" + id + "/metrics").body());
        assertThat(metrics.get("epochs")).hasSize(1);
        assertThat(metrics.at("/epochs/0/testAccuracy").asDouble()).isEqualTo(testAccuracy);

        JsonNode models = json.readTree(get("/api/v1/models").body());
        assertThat(models.get("items").valueStream().map(m -> m.get("id").asString())).contains(id);

        HttpResponse<byte[]> artifact = http.send(request("/api/v1/models/" + id + "/artifact").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(artifact.statusCode()).isEqualTo(200);
        assertThat(artifact.headers().firstValue("Content-Type")).contains("application/zip");
        assertThat(new String(artifact.body(), 0, 2, StandardCharsets.US_ASCII)).isEqualTo("PK");

        FashionMnist.Split test = TestData.full().test();
        StringBuilder instances = new StringBuilder();
        List<String> images = new ArrayList<>();
        for (int i = 0; i < TEST_IMAGES; i++) {
            StringBuilder pixels = new StringBuilder();
            for (int p = 0; p < test.pixelsPerImage(); p++) {
                pixels.append(p == 0 ? "" : ",").append(test.pixel(i, p));
            }
            instances.append(i == 0 ? "" : ",").append('[').append(pixels).append(']');
            images.add(Base64.getEncoder().encodeToString(TestData.png(test, i)));
        }
        JsonNode fromPixels = predict(id, "{\"instances\": [" + instances + "]}");
        JsonNode fromImages = predict(id, "{\"images\": [\"" + String.join("\",\"", images) + "\"]}");

        int correct = 0;
        for (int i = 0; i < TEST_IMAGES; i++) {
            JsonNode prediction = fromPixels.get("predictions").get(i);
            int classIndex = prediction.get("classIndex").asInt();
            assertThat(prediction.get("label").asString()).isEqualTo(FashionMnist.CLASS_NAMES.get(classIndex));
            assertThat(prediction.get("probabilities").valueStream().mapToDouble(JsonNode::asDouble).sum())
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(fromImages.get("predictions").get(i).get("classIndex").asInt())
                    .as("a PNG of test image %d predicts what its pixels do", i).isEqualTo(classIndex);
            correct += classIndex == test.label(i) ? 1 : 0;
        }
        assertThat(correct).as("correct of %d", TEST_IMAGES).isGreaterThan(TEST_IMAGES / 4);

        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void aMalformedRequestIsAProblemAndTheServiceStaysHealthy() throws Exception {
        HttpResponse<String> bad = post("/api/v1/jobs", "application/json", "{\"variant\": \"lenet-bn\", \"epochs\": ");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(get("/api/v1/jobs/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
        assertThat(get("/v3/api-docs").statusCode()).isEqualTo(200);
        // OUT_OF_SERVICE until the warm-up has loaded the data set (readiness includes it)
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(1))
                .until(() -> get("/actuator/health").body().contains("\"UP\""));
    }

    /** Reads the server-sent events of a job until the server ends the stream; returns the event names. */
    private List<String> followEvents(String id) throws Exception {
        HttpResponse<java.io.InputStream> stream = http.send(request("/api/v1/jobs/" + id + "/events")
                .timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> names = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    names.add(line.substring("event:".length()).trim());
                }
            }
        }
        return names;
    }

    private JsonNode predict(String id, String body) throws Exception {
        HttpResponse<String> answer = post("/api/v1/models/" + id + "/predict", "application/json", body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode predictions = json.readTree(answer.body());
        assertThat(predictions.get("predictions")).hasSize(TEST_IMAGES);
        return predictions;
    }


    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
