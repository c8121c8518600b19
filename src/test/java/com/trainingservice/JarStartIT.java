package com.trainingservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar starts with {@code java -jar} from an empty directory and trains: ND4J's natives
 * (JavaCPP 1.5.7) load from Boot's nested jars only because the build marks them requiresUnpack, and
 * the embedded database appears under ./data.
 */
class JarStartIT {

    @Test
    void theJarStartsAndTrainsAJob() throws Exception {
        Path workingDirectory = Files.createTempDirectory("jar-start");
        try (ServiceProcess service = ServiceProcess.start(workingDirectory, "service.log").awaitHealthy()) {
            String id = service.submit("""
                    {"variant": "lenet-bn-scratch", "learningRate": 0.9, "epochs": 1, "batchSize": 64, "trainExamples": 128}""");
            String job = "/api/v1/jobs/" + id;

            service.awaitTrue(Duration.ofMinutes(3), () -> service.get(job).matches(".*\"state\":\"(SUCCEEDED|FAILED)\".*"));
            assertThat(service.get(job)).as(service.log()).contains("\"state\":\"SUCCEEDED\"");
            assertThat(service.get("/api/v1/models/" + id)).contains("\"id\":\"" + id + "\"");
            assertThat(workingDirectory.resolve("data/training-service.mv.db")).exists();
        }
    }
}
