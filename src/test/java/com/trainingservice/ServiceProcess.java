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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged service as a separate process ({@code java -jar} in a working directory of its own), for
 * tests that start, kill and restart it as an operator would.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();
    public final String base;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.base = "http://localhost:" + port;
    }

    /** Starts the jar in {@code workingDirectory} with {@code arguments}; its output goes to {@code log}. */
    public static ServiceProcess start(Path workingDirectory, String log, String... arguments) throws IOException {
        Path jar = Path.of(System.getProperty("jar", "target/training-service.jar")).toAbsolutePath();
        assertThat(jar).exists();
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--server.port=" + port));
        command.addAll(List.of(arguments));
        Path logFile = workingDirectory.resolve(log);
        Process process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        return new ServiceProcess(process, logFile, port);
    }

    public ServiceProcess awaitHealthy() throws Exception {
        return awaitTrue(Duration.ofMinutes(3), () -> get("/actuator/health").contains("\"UP\""));
    }

    public HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Submits a job and answers its id. */
    public String submit(String spec) throws Exception {
        HttpResponse<String> submitted = post("/api/v1/jobs", spec);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        Matcher id = ID.matcher(submitted.body());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    /** The body of a GET, or "" when the service does not answer. */
    public String get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    public ServiceProcess awaitTrue(Duration timeout, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(process.isAlive()).as("the service died: %s", log()).isTrue();
            assertThat(System.nanoTime()).as("timed out: %s", log()).isLessThan(deadline);
            Thread.sleep(250);
        }
        return this;
    }

    /** SIGKILL: no shutdown hook, no graceful stop, as when the machine or the container dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
