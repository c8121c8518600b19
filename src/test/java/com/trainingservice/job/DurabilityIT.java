package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.ServiceProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What survives what, with the packaged service as separate processes killed with SIGKILL: a job
 * resumes from its last checkpoint after its process dies, on the restarted process (embedded H2)
 * or on another replica (PostgreSQL), and finishes with exactly the epochs it asked for.
 */
class DurabilityIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * Three epochs of 3-4 s each on 2 cores: 2 s of training (long enough that polling every 250 ms finds the job
     * in the second half of epoch 2; 2,048 examples took 0.3 s once training got 20x faster), 1 s of evaluation.
     */
    private static final String THREE_EPOCHS = """
            {"variant": "lenet-bn", "learningRate": 0.9, "epochs": 3, "batchSize": 64, "seed": 7, "trainExamples": 12288}""";
    /** Claims lapse after 4 x 1 s without a heartbeat; idle instances look for work every 500 ms. */
    private static final String[] QUICK_HAND_OVER = {"--training-service.jobs.heartbeat-interval=1s",
            "--training-service.jobs.missed-heartbeats=4", "--training-service.jobs.polling-interval=500ms",
            "--training-service.dataset.warm-up=true"};

    private static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    private static boolean inEpochTwo(ServiceProcess service, String job) {
        JsonNode view = json(service.get(job));
        return view.get("state").asString().equals("RUNNING") && view.get("progress").get("epoch").asInt() == 2
                && view.get("progress").get("fraction").asDouble() > 0.4;
    }

    @Test
    void aJobWhoseProcessIsKilledDuringEpochTwoResumesAfterRestartAndFinishesWithThreeEpochs() throws Exception {
        Path directory = Files.createTempDirectory("crash-resume");
        String id;
        String firstEpoch;
        try (ServiceProcess first = ServiceProcess.start(directory, "first.log", QUICK_HAND_OVER).awaitHealthy()) {
            id = first.submit(THREE_EPOCHS);
            String job = "/api/v1/jobs/" + id;
            first.awaitTrue(Duration.ofMinutes(8), () -> inEpochTwo(first, job));
            firstEpoch = json(first.get(job + "/metrics")).get("epochs").get(0).toString();
            first.kill();
        }

        try (ServiceProcess restarted = ServiceProcess.start(directory, "restarted.log", QUICK_HAND_OVER).awaitHealthy()) {
            String job = "/api/v1/jobs/" + id;
            restarted.awaitTrue(Duration.ofMinutes(8), () -> json(restarted.get(job)).get("state").asString()
                    .matches("SUCCEEDED|FAILED"));
            JsonNode done = json(restarted.get(job));
            assertThat(done.get("state").asString()).as(restarted.log()).isEqualTo("SUCCEEDED");
            assertThat(done.get("attempts").asInt()).isEqualTo(2);
            JsonNode epochs = json(restarted.get(job + "/metrics")).get("epochs");
            assertThat(epochs).hasSize(3);
            assertThat(epochs.get(0).toString()).as("the first epoch is the one recorded before the crash")
                    .isEqualTo(firstEpoch);
            assertThat(restarted.log()).contains("job " + id + " attempt 2 on").contains("resuming after epoch 1");
            assertThat(restarted.post("/api/v1/models/" + id + "/predict", "{\"instances\": [[" + "0,".repeat(783) + "0]]}")
                    .body()).contains("\"classIndex\"");
        }
    }

    @Test
    void twoReplicasOnOnePostgresShareTheQueueAndOneFinishesWhatTheKilledOneStarted() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String[] database = {"--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                    "--spring.datasource.username=postgres", "--spring.datasource.password="};
            Path directory = Files.createTempDirectory("replicas");
            try (ServiceProcess a = replica(directory, "a.log", database);
                 ServiceProcess b = replica(directory, "b.log", database)) {
                a.awaitHealthy();
                b.awaitHealthy();

                // a job submitted to A; whichever replica picked it is killed in epoch 2, the other finishes it
                String id = a.submit(THREE_EPOCHS);
                String job = "/api/v1/jobs/" + id;
                a.awaitTrue(Duration.ofMinutes(8), () -> inEpochTwo(a, job));
                ServiceProcess runner = a.log().contains("job " + id + " attempt 1 on") ? a : b;
                ServiceProcess survivor = runner == a ? b : a;
                runner.kill();
                survivor.awaitTrue(Duration.ofMinutes(8), () -> json(survivor.get(job)).get("state").asString()
                        .matches("SUCCEEDED|FAILED"));
                assertThat(json(survivor.get(job)).get("state").asString()).as(survivor.log()).isEqualTo("SUCCEEDED");
                assertThat(json(survivor.get(job + "/metrics")).get("epochs")).hasSize(3);
                assertThat(survivor.log()).contains("job " + id + " attempt 2 on").contains("resuming after epoch 1");
                assertThat(survivor.get("/api/v1/models/" + id)).contains(id);
            }

            // jobs submitted at once to both replicas run exactly once each
            try (ServiceProcess a = replica(directory, "a2.log", database);
                 ServiceProcess b = replica(directory, "b2.log", database)) {
                a.awaitHealthy();
                b.awaitHealthy();
                String small = """
                        {"variant": "lenet", "learningRate": 0.9, "epochs": 1, "batchSize": 128, "trainExamples": 512}""";
                List<Future<String>> submissions = new ArrayList<>();
                ExecutorService clients = Executors.newFixedThreadPool(4);
                for (int i = 0; i < 6; i++) {
                    ServiceProcess target = i % 2 == 0 ? a : b;
                    submissions.add(clients.submit(() -> target.submit(small)));
                }
                List<String> ids = new ArrayList<>();
                for (Future<String> submission : submissions) {
                    ids.add(submission.get());
                }
                clients.shutdown();
                for (String id : ids) {
                    a.awaitTrue(Duration.ofMinutes(8), () -> json(a.get("/api/v1/jobs/" + id)).get("state").asString()
                            .equals("SUCCEEDED"));
                }
                Map<String, Integer> starts = new ConcurrentHashMap<>();
                String logs = a.log() + b.log();
                for (String id : ids) {
                    Matcher started = Pattern.compile("job " + id + " attempt \\d+ on").matcher(logs);
                    int count = 0;
                    while (started.find()) {
                        count++;
                    }
                    starts.put(id, count);
                    JsonNode view = json(b.get("/api/v1/jobs/" + id));
                    assertThat(view.get("attempts").asInt()).isEqualTo(1);
                    assertThat(json(b.get("/api/v1/jobs/" + id + "/metrics")).get("epochs")).hasSize(1);
                }
                assertThat(starts).as("each job started exactly once, on one of the replicas").allSatisfy((id, count) ->
                        assertThat(count).isEqualTo(1));
                assertThat(a.log()).as("both replicas trained").containsPattern("job [0-9a-f-]{36} attempt 1 on");
                assertThat(b.log()).containsPattern("job [0-9a-f-]{36} attempt 1 on");
            }
        }
    }

    private static ServiceProcess replica(Path directory, String log, String[] database) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(QUICK_HAND_OVER));
        arguments.addAll(List.of(database));
        return ServiceProcess.start(directory, log, arguments.toArray(String[]::new));
    }
}
