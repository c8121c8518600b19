package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-owner limit on QUEUED jobs: counted per owner, anonymous callers together, running jobs not counted. */
class JobOwnerLimitTest {

    @TempDir
    Path models;

    private final ScriptedTrainer trainer = new ScriptedTrainer();
    private JobExecutor executor;

    @AfterEach
    void stop() {
        trainer.release.countDown();
        executor.close();
    }

    private JobService service(int maxQueuedPerOwner) {
        JobProperties properties = new JobProperties(1, 100, Duration.ofSeconds(42), Duration.ofSeconds(5), models,
                Duration.ofSeconds(15));
        JobEvents events = new JobEvents(properties.eventKeepAlive());
        FileModelArtifactStore artifacts = new FileModelArtifactStore(models);
        executor = new JobExecutor(trainer, artifacts, events, event -> { }, properties, Clock.systemUTC());
        return new JobService(new InMemoryJobStore(), executor, events, event -> { }, artifacts, Clock.systemUTC(),
                maxQueuedPerOwner, Duration.ofSeconds(7));
    }

    private static TrainingSpec spec() {
        return new TrainingSpec(Variant.LENET_BN, 0.1, 1, 256, 1L, 1000);
    }

    @Test
    void anOwnerWithMaxQueuedJobsGets429WithRetryAfterOthersDoNot() {
        JobService jobs = service(2);
        UUID running = jobs.submit(spec(), "aaaaaaaaaaaa").id();
        await().atMost(Duration.ofSeconds(5)).until(() -> jobs.get(running).state() == JobState.RUNNING);
        jobs.submit(spec(), "aaaaaaaaaaaa");
        UUID second = jobs.submit(spec(), "aaaaaaaaaaaa").id();

        assertThatThrownBy(() -> jobs.submit(spec(), "aaaaaaaaaaaa"))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("this API key already has 2 queued jobs")
                .satisfies(e -> assertThat(((QueueFullException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7)));
        assertThat(jobs.submit(spec(), "bbbbbbbbbbbb").owner()).isEqualTo("bbbbbbbbbbbb");

        jobs.cancel(second);
        assertThat(jobs.submit(spec(), "aaaaaaaaaaaa").state()).isEqualTo(JobState.QUEUED);
        assertThat(jobs.list(JobState.QUEUED, 0, 10).totalItems()).isEqualTo(3);
    }

    @Test
    void callersWithoutAKeyShareOneLimit() {
        JobService jobs = service(1);
        UUID running = jobs.submit(spec()).id();
        await().atMost(Duration.ofSeconds(5)).until(() -> jobs.get(running).state() == JobState.RUNNING);
        assertThat(jobs.submit(spec()).owner()).isEqualTo(Job.ANONYMOUS);
        assertThatThrownBy(() -> jobs.submit(spec(), Job.ANONYMOUS))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("callers without an API key already have 1 queued jobs");
    }

    @Test
    void zeroIsNoLimit() {
        JobService jobs = service(0);
        for (int i = 0; i < 20; i++) {
            jobs.submit(spec(), "aaaaaaaaaaaa");
        }
        assertThat(jobs.list(null, 0, 100).totalItems()).isEqualTo(20);
    }
}
