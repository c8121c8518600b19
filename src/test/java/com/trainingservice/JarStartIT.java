package com.trainingservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar starts with {@code java -jar} from an empty directory and trains: ND4J's natives
 * (JavaCPP 1.5.7) load from Boot's nested jars only because the build marks them requiresUnpack.
 */
class JarStartIT {

    private Process service;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    @Test
    void theJarStartsAndTrainsAJob() throws Exception {
        Path jar = Path.of(System.getProperty("jar", "target/training-service.jar")).toAbsolutePath();
        assertThat(jar).exists();
        Path workingDirectory = Files.createTempDirectory("jar-start");
        int port = freePort();
        Path log = workingDirectory.resolve("service.log");
        service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--server.port=" + port)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://localhost:" + port;

        awaitTrue(Duration.ofMinutes(2), () -> get(http, base + "/actuator/health").contains("\"UP\""), log);

        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"variant": "lenet-bn-scratch", "learningRate": 0.9, "epochs": 1, "batchSize": 64, "trainExamples": 128}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(submitted.body());
        assertThat(id.find()).isTrue();
        String job = base + "/api/v1/jobs/" + id.group(1);

        awaitTrue(Duration.ofMinutes(3), () -> get(http, job).matches(".*\"state\":\"(SUCCEEDED|FAILED)\".*"), log);
        assertThat(get(http, job)).as(Files.readString(log)).contains("\"state\":\"SUCCEEDED\"");
        assertThat(workingDirectory.resolve("data/models/" + id.group(1) + ".zip")).exists();
    }

    private static String get(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private void awaitTrue(Duration timeout, java.util.function.BooleanSupplier condition, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(service.isAlive()).as("the service died: %s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("timed out: %s", Files.readString(log)).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
