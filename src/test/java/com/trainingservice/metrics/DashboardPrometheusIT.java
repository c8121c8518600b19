package com.trainingservice.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.trainingservice.metrics.DashboardQueries.Query;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard against a real Prometheus: the packaged jar runs as a process (as in
 * {@code JarStartIT}), Debian's {@code /usr/bin/prometheus} scrapes it every second, the test trains
 * one job to the end, starts a second one and predicts while it runs, then every {@code expr} of the
 * dashboard must return at least one series from Prometheus' HTTP API. A panel whose query finds
 * nothing (a metric renamed, a label dropped) fails the build with the expression in the message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardPrometheusIT {

    private static final Path PROMETHEUS = Path.of(System.getProperty("prometheus", "/usr/bin/prometheus"));
    private static final String SCRAPE_JOB = "training-service";
    private static final Duration SCRAPE_LAG = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    private Path work;
    private Process service;
    private Path serviceLog;
    private String base;
    private Process prometheus;
    private Path prometheusLog;
    private String prometheusUrl;

    @BeforeAll
    void start() throws Exception {
        assertThat(Files.isExecutable(PROMETHEUS))
                .as("no Prometheus at %s: this test runs a real Prometheus server; install it with "
                        + "`apt-get install prometheus` (Debian's package, as .ci/run does) or point -Dprometheus=... at one",
                        PROMETHEUS)
                .isTrue();
        work = Files.createTempDirectory("dashboard-it");

        // the service: the packaged jar with the operator's application.yml, from an empty working directory
        Path jar = Path.of(System.getProperty("jar", "target/training-service.jar")).toAbsolutePath();
        assertThat(jar).exists();
        Path serviceDirectory = Files.createDirectories(work.resolve("service"));
        if (Files.exists(Path.of("application.yml"))) {
            Files.copy(Path.of("application.yml"), serviceDirectory.resolve("application.yml"));
        }
        int port = freePort();
        base = "http://127.0.0.1:" + port;
        serviceLog = work.resolve("service.log");
        service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--server.port=" + port,
                "--management.endpoints.web.exposure.include=health,prometheus")
                .directory(serviceDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(serviceLog.toFile())
                .start();

        // Prometheus: its own process, port, storage and configuration (Debian's systemd unit plays no part)
        int prometheusPort = freePort();
        prometheusUrl = "http://127.0.0.1:" + prometheusPort;
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(SCRAPE_JOB, port));
        prometheusLog = work.resolve("prometheus.log");
        prometheus = new ProcessBuilder(PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(work.resolve("tsdb")),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(prometheusLog.toFile())
                .start();

        await(Duration.ofMinutes(2), "the service is UP", () -> get(base + "/actuator/health").contains("\"UP\""));
        await(Duration.ofMinutes(1), "Prometheus is ready", () -> get(prometheusUrl + "/-/ready").contains("Ready"));
    }

    @AfterAll
    void stop() throws Exception {
        stop(prometheus);
        stop(service);
        if (work != null) {
            System.out.println("DashboardPrometheusIT: logs and Prometheus data in " + work);
        }
    }

    @Test
    @Order(1)
    void prometheusScrapesTheService() throws Exception {
        await(SCRAPE_LAG, "up{job=\"" + SCRAPE_JOB + "\"} == 1",
                () -> series("up{job=\"" + SCRAPE_JOB + "\"} == 1") == 1);
        await(SCRAPE_LAG, "the service's JVM metrics in Prometheus",
                () -> series("jvm_memory_used_bytes{job=\"" + SCRAPE_JOB + "\",area=\"heap\"}") > 0);
    }

    @Test
    @Order(2)
    void everyDashboardExpressionIsValidPromQL() throws Exception {
        List<Query> queries = DashboardQueries.read().queries();
        assertThat(queries).as("the dashboard's queries").hasSizeGreaterThanOrEqualTo(20);
        Map<Query, String> invalid = new LinkedHashMap<>();
        for (Query query : queries) {
            if (query.promql().isBlank() || query.promql().contains("$")) {
                invalid.put(query, "empty, or a Grafana variable this test does not know");
                continue;
            }
            JsonNode answer = query(query.promql());
            if (!"success".equals(answer.path("status").asString())) {
                invalid.put(query, answer.path("errorType").asString() + ": " + answer.path("error").asString());
            }
        }
        if (!invalid.isEmpty()) {
            fail("%d of the dashboard's expressions are refused by Prometheus:%n%s", invalid.size(), lines(invalid));
        }
    }

    @Test
    @Order(3)
    void everyDashboardQueryReturnsASeriesWhileAJobRuns() throws Exception {
        // one job trained to the end: finished counters, job and epoch duration histograms, a model to predict with
        String first = submit("""
                {"variant": "lenet-bn", "learningRate": 0.9, "epochs": 3, "batchSize": 64, "seed": 1, "trainExamples": 512}""");
        await(Duration.ofMinutes(5), "the first job ends", () -> state(first).matches("SUCCEEDED|FAILED|CANCELLED"));
        assertThat(state(first)).as(get(base + "/api/v1/jobs/" + first)).isEqualTo("SUCCEEDED");

        // a second, long job: its per-job gauges exist only while it runs, from its first finished epoch on
        String second = submit("""
                {"variant": "lenet-bn", "learningRate": 0.9, "epochs": 200, "batchSize": 64, "seed": 2, "trainExamples": 512}""");
        try {
            await(Duration.ofMinutes(5), "the second job runs with an epoch done",
                    () -> state(second).equals("RUNNING") && finishedEpochs(second) >= 1);

            // predicts: two kinds of valid input, and an invalid one for predict_errors_total
            String predict = base + "/api/v1/models/" + first + "/predict";
            String pixels = IntStream.range(0, 784).mapToObj(i -> "0").collect(Collectors.joining(",", "[", "]"));
            for (int i = 0; i < 3; i++) {
                assertThat(post(predict, "application/json", "{\"instances\": [" + pixels + ", " + pixels + "]}").statusCode())
                        .isEqualTo(200);
            }
            assertThat(post(predict, "image/png", png()).statusCode()).isEqualTo(200);
            assertThat(post(predict, "application/json", "{\"instances\": [[0.5, 0.5, 0.5]]}").statusCode()).isEqualTo(400);

            // every query of the dashboard, until each has a series or the scrape lag has passed
            List<Query> missing = new ArrayList<>(DashboardQueries.read().queries());
            Map<Query, String> last = new LinkedHashMap<>();
            long deadline = System.nanoTime() + SCRAPE_LAG.toNanos();
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                for (Query query : List.copyOf(missing)) {
                    JsonNode answer = query(query.promql());
                    if ("success".equals(answer.path("status").asString()) && answer.at("/data/result").size() > 0) {
                        missing.remove(query);
                        last.remove(query);
                    } else {
                        last.put(query, "success".equals(answer.path("status").asString()) ? "no series"
                                : answer.path("errorType").asString() + ": " + answer.path("error").asString());
                    }
                }
                if (!missing.isEmpty()) {
                    Thread.sleep(1000);
                }
            }
            String secondState = state(second);
            if (!last.isEmpty()) {
                fail("%d of the dashboard's queries return no series from Prometheus (the metric is missing, renamed or "
                        + "labelled differently), with the second job %s:%n%s", last.size(), secondState, lines(last));
            }
            assertThat(secondState).as("the second job must still run while its per-job gauges are queried").isEqualTo("RUNNING");
        } finally {
            post(base + "/api/v1/jobs/" + second + "/cancel", "application/json", "");
        }
    }

    // --- Prometheus

    private JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(answer.body());
    }

    private int series(String promql) {
        try {
            return query(promql).at("/data/result").size();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    // --- the service

    private String submit(String spec) throws Exception {
        HttpResponse<String> submitted = post(base + "/api/v1/jobs", "application/json", spec);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        return json.readTree(submitted.body()).get("id").asString();
    }

    private String state(String id) {
        String job = get(base + "/api/v1/jobs/" + id);
        return job.isEmpty() ? "" : json.readTree(job).path("state").asString();
    }

    private int finishedEpochs(String id) {
        String metrics = get(base + "/api/v1/jobs/" + id + "/metrics");
        return metrics.isEmpty() ? 0 : json.readTree(metrics).path("epochs").size();
    }

    private static byte[] png() throws IOException {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 8; y < 20; y++) {
            for (int x = 6; x < 22; x++) {
                image.getRaster().setSample(x, y, 0, 200);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    // --- HTTP, waiting, processes

    private HttpResponse<String> post(String url, String contentType, String body) throws Exception {
        return post(url, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String url, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private void await(Duration timeout, String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(service.isAlive()).as("the service died: %s", tail(serviceLog)).isTrue();
            assertThat(prometheus.isAlive()).as("Prometheus died: %s", tail(prometheusLog)).isTrue();
            assertThat(System.nanoTime()).as("timed out after %s waiting until %s%nservice log: %s%nPrometheus log: %s",
                    timeout, what, tail(serviceLog), tail(prometheusLog)).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static String lines(Map<Query, String> queries) {
        return queries.entrySet().stream().map(e -> "  " + e.getKey() + "  -> " + e.getValue())
                .collect(Collectors.joining(System.lineSeparator()));
    }

    private static String tail(Path log) throws IOException {
        if (log == null || !Files.exists(log)) {
            return "(no log)";
        }
        String text = Files.readString(log);
        return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
    }

    private static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
