package com.trainingservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.trainingservice.training.data.FashionMnist;
import com.trainingservice.training.data.FashionMnistProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * /actuator/health and /actuator/info of the whole service, configured by ./application.yml (readiness
 * includes the data set) with details shown. Warm-up is off, so the test sees the service before and after
 * the data set is loaded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoint.health.show-details=always",
        "training-service.dataset.warm-up=false",
        "spring.datasource.url=jdbc:h2:mem:actuator-test;DB_CLOSE_DELAY=-1"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActuatorEndpointsTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    FashionMnistProvider dataset;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Order(1)
    void notReadyUntilTheDataSetIsLoadedButAliveAllAlong() throws Exception {
        assertThat(dataset.isLoaded()).isFalse();

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        JsonNode ready = json.readTree(readiness.body());
        assertThat(ready.at("/status").asString()).isEqualTo("OUT_OF_SERVICE");
        assertThat(ready.at("/components/dataset/status").asString()).isEqualTo("OUT_OF_SERVICE");
        assertThat(ready.at("/components/dataset/details/state").asString()).isEqualTo("not loaded");
        assertThat(ready.at("/components/readinessState/status").asString()).isEqualTo("UP");

        HttpResponse<String> liveness = get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        JsonNode live = json.readTree(liveness.body());
        assertThat(live.at("/status").asString()).isEqualTo("UP");
        assertThat(live.at("/components/livenessState").isMissingNode()).as(liveness.body()).isFalse();
        assertThat(live.at("/components/dataset").isMissingNode()).as("liveness leaves the data set out").isTrue();
    }

    @Test
    @Order(2)
    void readyAndHealthyOnceLoadedWithEveryComponentsDetails() throws Exception {
        dataset.get();

        await().atMost(Duration.ofSeconds(10)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
        JsonNode ready = json.readTree(get("/actuator/health/readiness").body());
        assertThat(ready.at("/components/dataset/status").asString()).isEqualTo("UP");

        HttpResponse<String> response = get("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = json.readTree(response.body());
        assertThat(health.at("/status").asString()).isEqualTo("UP");

        JsonNode data = health.at("/components/dataset");
        assertThat(data.at("/status").asString()).isEqualTo("UP");
        assertThat(data.at("/details/train").asInt()).isEqualTo(FashionMnist.TRAIN_COUNT);
        assertThat(data.at("/details/test").asInt()).isEqualTo(FashionMnist.TEST_COUNT);
        assertThat(data.at("/details/source").asString()).isNotBlank();

        JsonNode nd4j = health.at("/components/nd4j");
        assertThat(nd4j.at("/status").asString()).isEqualTo("UP");
        assertThat(nd4j.at("/details/backend").asString()).isEqualTo("CPU");
        assertThat(nd4j.at("/details/blasVendor").asString()).isNotBlank();
        assertThat(nd4j.at("/details/ompThreads").asInt()).isPositive();
        assertThat(nd4j.at("/details/cores").asInt()).isPositive();
        assertThat(nd4j.at("/details/devices").asInt()).isEqualTo(1);
        assertThat(nd4j.at("/details/computeDevices/0/id").asString()).isEqualTo("cpu");
        assertThat(nd4j.at("/details/trainingDevices").valueStream().map(JsonNode::asString)).containsExactly("cpu");

        JsonNode executor = health.at("/components/executor");
        assertThat(executor.at("/status").asString()).isEqualTo("UP");
        assertThat(executor.at("/details/workerSlots").asInt()).isEqualTo(1);
        assertThat(executor.at("/details/busySlots").asInt()).isZero();
        assertThat(executor.at("/details/queueLength").asInt()).isZero();
        assertThat(executor.at("/details/queueCapacity").asInt()).isEqualTo(100);
    }

    @Test
    @Order(3)
    void infoHasBuildGitJavaOsAndTraining() throws Exception {
        HttpResponse<String> response = get("/actuator/info");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode info = json.readTree(response.body());

        assertThat(info.at("/build/artifact").asString()).isEqualTo("training-service");
        assertThat(info.at("/build/version").asString()).isNotBlank();
        assertThat(info.at("/java/version").asString()).isNotBlank();
        assertThat(info.at("/os/name").asString()).isNotBlank();
        if (getClass().getResource("/git.properties") != null) { // absent when built outside a git checkout
            assertThat(info.at("/git/commit/id").isMissingNode()).isFalse();
        }

        JsonNode training = info.at("/training");
        assertThat(training.at("/backend").asString()).isEqualTo("CPU");
        assertThat(training.at("/blasVendor").asString()).isNotBlank();
        assertThat(training.at("/ompThreads").asInt()).isPositive();
        assertThat(training.at("/cores").asInt()).isPositive();
        assertThat(training.at("/cpuFeatures").isArray()).isTrue();
        assertThat(training.at("/workerSlots").asInt()).as("auto: one on the CPU").isEqualTo(1);
        assertThat(training.at("/trainingDevices").valueStream().map(JsonNode::asString)).containsExactly("cpu");
        assertThat(training.at("/variants").valueStream().map(JsonNode::asString))
                .containsExactly("lenet-bn-scratch", "lenet-bn", "lenet");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
