package com.trainingservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.deploy.Dockerfile.Instruction;
import com.trainingservice.deploy.Dockerfile.Stage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The CPU image's start command, without Docker: the packaged jar extracted by layers as docker/Dockerfile's build
 * stage does, a working directory laid out by the runtime stage's own COPY instructions, and the ENTRYPOINT's
 * script (docker/entrypoint.sh) run from it. The service must come up live and ready, train, answer the
 * HEALTHCHECK's command, and run with the JVM and JavaCPP flags and OpenMP settings the script computes.
 */
class ImageCommandIT {

    private static final Path DATASET = Path.of("/usr/share/datasets/fashion-mnist");
    private static final String API_KEY = "image-command-test-key";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path work;
    private Path log;
    private Process service;

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.descendants().forEach(ProcessHandle::destroy); // none while the script execs java, as it should
            service.destroy();
            if (!service.waitFor(60, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
        if (work != null) {
            FileSystemUtils.deleteRecursively(work);
        }
    }

    @Test
    void theEntrypointStartsTheExtractedJarWithTheImagesLayoutAndFlags() throws Exception {
        Dockerfile dockerfile = Dockerfile.read(Dockerfile.CPU);
        Path jar = Path.of(System.getProperty("jar", "target/training-service.jar")).toAbsolutePath();
        assertThat(jar).exists();
        work = Files.createTempDirectory("image-command");

        // the build stage's extraction, and the layers the jar has
        Path extracted = work.resolve("extracted");
        exec(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--layers", "--destination", extracted.toString());
        List<String> layers = exec(java(), "-Djarmode=tools", "-jar", jar.toString(), "list-layers").lines()
                .map(String::strip).filter(line -> !line.isEmpty()).toList();

        Path app = layOut(dockerfile, extracted, layers);
        ServiceSettings settings = ServiceSettings.of(app.resolve("application.yml"));

        // the ENTRYPOINT: the repository's script, as the image runs it (exec form, executable)
        List<String> entrypoint = dockerfile.entrypoint();
        Path script = dockerfile.repositorySourceOf(entrypoint.get(0)).toAbsolutePath();
        assertThat(Files.isExecutable(script)).as("%s is executable", script).isTrue();
        int port = freePort();
        Path cache = work.resolve("tmp/javacpp-cache");
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(entrypoint.subList(1, entrypoint.size()));
        command.add("--server.port=" + port);
        log = work.resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(app.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear(); // a container's environment: no JAVA_HOME, no OMP_NUM_THREADS from the build
        environment.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin");
        environment.put("HOME", work.toString());
        environment.put("JAVACPP_CACHE_DIR", cache.toString()); // the chart points it at its /tmp volume the same way
        environment.put("JAVACPP_MAX_BYTES", "3g");
        // docker/compose.yaml passes API key hashes comma-separated in one variable
        environment.put("TRAINING_SERVICE_SECURITY_API_KEYS", sha256("another-key") + "," + sha256(API_KEY));
        service = builder.start();

        String base = "http://127.0.0.1:" + port;
        await(Duration.ofMinutes(2), () -> status(base + settings.livenessPath()) == 200);
        await(Duration.ofMinutes(2), () -> status(base + settings.readinessPath()) == 200);
        assertThat(get(base + settings.actuatorPath(settings.healthPath()))).as("ND4J, data set and executor")
                .contains("\"status\":\"UP\"");

        // the HEALTHCHECK's own command answers 0 (it needs curl, as the image has)
        String healthcheck = dockerfile.runtime().one("HEALTHCHECK").arguments();
        String check = healthcheck.substring(healthcheck.indexOf("CMD ") + "CMD ".length());
        ProcessBuilder probe = new ProcessBuilder("/bin/sh", "-c", check).redirectErrorStream(true);
        probe.environment().put("SERVER_PORT", String.valueOf(port));
        Process probed = probe.start();
        String probeOutput = new String(probed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probed.waitFor()).as("%s with SERVER_PORT=%d: %s", check, port, probeOutput).isZero();

        // exec: the JVM is the script's process (signals reach it) and carries the script's flags and environment
        List<String> cmdline = procFile(service.pid(), "cmdline");
        assertThat(Path.of(cmdline.get(0)).getFileName().toString()).isEqualTo("java");
        long memory = containerMemoryBytes();
        assertThat(cmdline).contains(
                "-XX:MaxRAMPercentage=25",
                "-Xmn16m",
                "-Dorg.bytedeco.javacpp.maxbytes=3g",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=" + memory * 90 / 100,
                "-Dorg.bytedeco.javacpp.cachedir=" + cache,
                "--server.port=" + port);
        assertThat(cmdline).containsSubsequence("-jar", "training-service.jar");
        assertThat(procFile(service.pid(), "environ"))
                .contains("OMP_NUM_THREADS=" + containerCpus(), "OMP_WAIT_POLICY=PASSIVE");

        // ...and JavaCPP took them: its limit, and its natives extracted into the cache directory
        assertThat(get(base + settings.actuatorPath("prometheus"))).containsPattern("(?m)^javacpp_memory_max_bytes 3\\.221225472E9$");
        try (Stream<Path> cached = Files.list(cache)) {
            assertThat(cached.map(path -> path.getFileName().toString())).anyMatch(name -> name.startsWith("nd4j-native"));
        }

        // it trains, for a caller with one of the keys
        HttpRequest.Builder submit = HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"variant": "lenet-bn", "learningRate": 0.9, "epochs": 1, "batchSize": 64, "trainExamples": 128}"""));
        assertThat(http.send(submit.copy().build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        HttpResponse<String> submitted = http.send(submit.header("Authorization", "Bearer " + API_KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(submitted.body());
        assertThat(id.find()).isTrue();
        String job = base + "/api/v1/jobs/" + id.group(1);
        await(Duration.ofMinutes(3), () -> get(job).matches(".*\"state\":\"(SUCCEEDED|FAILED)\".*"));
        assertThat(get(job)).as(Files.readString(log)).contains("\"state\":\"SUCCEEDED\"");

        // the thread that trained (and the OpenMP workers it started, named after it) yields the CPU to requests;
        // the request threads do not
        int processNice = nice(Path.of("/proc", String.valueOf(service.pid()), "stat"));
        assertThat(niceValues(service.pid(), "training-worke")).as(Files.readString(log)).isNotEmpty().containsOnly(19);
        assertThat(niceValues(service.pid(), "http-nio-")).isNotEmpty().containsOnly(processNice);
    }

    /** Field 19 of a /proc stat file, after the command name (which may hold spaces). */
    private static int nice(Path stat) throws IOException {
        String line = Files.readString(stat);
        return Integer.parseInt(line.substring(line.lastIndexOf(')') + 2).split(" ")[16]);
    }

    /** The nice values of the process's threads whose name starts with {@code prefix} (Linux cuts names at 15). */
    private static List<Integer> niceValues(long pid, String prefix) throws IOException {
        List<Integer> values = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith(prefix)) {
                        values.add(nice(task.resolve("stat")));
                    }
                } catch (NoSuchFileException threadEnded) {
                    // gone between the listing and the read
                }
            }
        }
        return values;
    }

    /**
     * The image's working directory, made by the runtime stage's COPY instructions: the build stage's extracted
     * layers (every layer of the jar, in its order), repository files, and what comes from other stages (the
     * data set: Debian's package, installed here at the same path).
     */
    private Path layOut(Dockerfile dockerfile, Path extracted, List<String> layers) throws IOException {
        Stage runtime = dockerfile.runtime();
        String workdir = runtime.one("WORKDIR").arguments().strip();
        Matcher destination = Pattern.compile("--destination\\s+(\\S+)").matcher(
                dockerfile.stage("build").all("RUN").stream().map(Instruction::arguments).collect(Collectors.joining(" ")));
        assertThat(destination.find()).as("the build stage extracts the jar with --destination").isTrue();
        String extractedInBuild = destination.group(1).replaceAll("/$", "") + "/";

        Path app = Files.createDirectories(work.resolve("app"));
        List<String> copiedLayers = new ArrayList<>();
        for (Instruction copy : runtime.all("COPY")) {
            List<String> operands = copy.operands();
            String target = operands.get(operands.size() - 1);
            if (target.startsWith("/") && !Path.of(target).startsWith(workdir)) {
                continue; // outside the working directory: the entrypoint (run from the repository) and the data set
            }
            Path into = app.resolve(target.startsWith("/") ? Path.of(workdir).relativize(Path.of(target)) : Path.of(target))
                    .normalize();
            for (String source : operands.subList(0, operands.size() - 1)) {
                String from = copy.option("from").orElse("");
                if (from.equals("build")) {
                    assertThat(source).as(copy.toString()).startsWith(extractedInBuild);
                    String layer = source.substring(extractedInBuild.length()).replaceAll("/$", "");
                    copiedLayers.add(layer);
                    FileSystemUtils.copyRecursively(extracted.resolve(layer), into);
                } else if (from.isEmpty()) {
                    Path file = Path.of(source);
                    Files.createDirectories(into);
                    Files.copy(file, into.resolve(file.getFileName()));
                } else {
                    throw new AssertionError("unexpected stage in " + copy);
                }
            }
        }
        assertThat(copiedLayers).as("the image copies every layer of the jar, in order").containsExactlyElementsOf(layers);
        assertThat(app.resolve("training-service.jar")).exists();
        assertThat(app.resolve("application.yml")).hasSameTextualContentAs(ServiceSettings.APPLICATION_YAML);

        Instruction dataset = runtime.all("COPY").stream().filter(copy -> copy.option("from").orElse("").equals("dataset"))
                .findFirst().orElseThrow(() -> new AssertionError("the image copies no data set"));
        assertThat(dataset.operands().get(1).replaceAll("/$", "")).isEqualTo(DATASET.toString());
        assertThat(DATASET).as("Debian's dataset-fashion-mnist, as in the image").isDirectory();
        return app;
    }

    /** The container's memory, as docker/entrypoint.sh computes it: the cgroup limit when lower than MemTotal. */
    private static long containerMemoryBytes() throws IOException {
        long total = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024).findFirst().orElseThrow();
        for (Path limit : List.of(Path.of("/sys/fs/cgroup/memory.max"), Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"))) {
            if (Files.isReadable(limit)) {
                String value = Files.readString(limit).strip();
                return value.equals("max") ? total : Math.min(total, Long.parseLong(value));
            }
        }
        return total;
    }

    /** The container's CPUs, as docker/entrypoint.sh computes them: nproc, lowered to the CPU quota. */
    private static int containerCpus() throws Exception {
        int cpus = Integer.parseInt(exec("nproc").strip());
        Path v2 = Path.of("/sys/fs/cgroup/cpu.max");
        Path v1 = Path.of("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
        String[] quota = Files.isReadable(v2) ? Files.readString(v2).strip().split("\\s+")
                : Files.isReadable(v1) ? new String[] {Files.readString(v1).strip(),
                        Files.readString(Path.of("/sys/fs/cgroup/cpu/cpu.cfs_period_us")).strip()}
                : new String[] {"max"};
        if (!quota[0].equals("max") && !quota[0].startsWith("-")) {
            long period = Long.parseLong(quota[1]);
            cpus = (int) Math.min(cpus, Math.max(1, (Long.parseLong(quota[0]) + period - 1) / period));
        }
        return cpus;
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> procFile(long pid, String name) throws IOException {
        String content = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), name)), StandardCharsets.UTF_8);
        return Arrays.asList(content.split("\0"));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String exec(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s: %s", String.join(" ", command), output).isZero();
        return output;
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
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

    private void await(Duration timeout, BooleanSupplier condition) throws Exception {
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
