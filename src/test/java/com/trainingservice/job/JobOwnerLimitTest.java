package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-owner limit on QUEUED jobs: counted per owner, anonymous callers together, running jobs not counted. */
class JobOwnerLimitTest {

    private final ScriptedTrainer trainer = new ScriptedTrainer();
    private JobRig rig;

    @AfterEach
    void stop() {
        trainer.release.countDown();
        rig.close();
    }

    private JobService service(int maxQueuedPerOwner) {
        JobProperties defaults = JobRig.properties(100);
        JobProperties properties = new JobProperties(1, 100, Duration.ofSeconds(7), defaults.shutdownGracePeriod(),
                defaults.eventKeepAlive(), defaults.eventPollInterval(), defaults.progressInterval(),
                defaults.maxAttempts(), defaults.retryDelay(), defaults.defaultMaxRuntime(), defaults.maxRuntimeCeiling(),
                defaults.checkpointRetention(), defaults.unfinishedCheckpointRetention(), defaults.heartbeatInterval(),
                defaults.missedHeartbeats(), defaults.pollingInterval());
        rig = new JobRig(trainer, properties, JobRig.migratedH2(), maxQueuedPerOwner, "owner-limit-test");
        return rig.jobs;
    }

    private static TrainingSpec spec() {
        return new TrainingSpec(Variant.LENET_BN, 0.1, 1, 256, 1L, 1000);
    }

    @Test
    void anOwnerWithMaxQueuedJobsGets429WithRetryAfterOthersDoNot() {
        JobService jobs = service(2);
        UUID running = jobs.submit(spec(), "aaaaaaaaaaaa", null).job().id();
        await().atMost(Duration.ofSeconds(5)).until(() -> jobs.get(running).state() == JobState.RUNNING);
        jobs.submit(spec(), "aaaaaaaaaaaa", null);
        UUID second = jobs.submit(spec(), "aaaaaaaaaaaa", null).job().id();

        assertThatThrownBy(() -> jobs.submit(spec(), "aaaaaaaaaaaa", null))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("this API key already has 2 queued jobs")
                .satisfies(e -> assertThat(((QueueFullException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7)));
        assertThat(jobs.submit(spec(), "bbbbbbbbbbbb", null).job().owner()).isEqualTo("bbbbbbbbbbbb");

        jobs.cancel(second);
        assertThat(jobs.submit(spec(), "aaaaaaaaaaaa", null).job().state()).isEqualTo(JobState.QUEUED);
        assertThat(jobs.list(JobState.QUEUED, 0, 10).totalItems()).isEqualTo(3);
    }

    @Test
    void callersWithoutAKeyShareOneLimit() {
        JobService jobs = service(1);
        UUID running = jobs.submit(spec()).id();
        await().atMost(Duration.ofSeconds(5)).until(() -> jobs.get(running).state() == JobState.RUNNING);
        assertThat(jobs.submit(spec()).owner()).isEqualTo(Job.ANONYMOUS);
        assertThatThrownBy(() -> jobs.submit(spec(), Job.ANONYMOUS, null))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("callers without an API key already have 1 queued jobs");
    }

    @Test
    void zeroIsNoLimit() {
        JobService jobs = service(0);
        for (int i = 0; i < 20; i++) {
            jobs.submit(spec(), "aaaaaaaaaaaa", null);
        }
        assertThat(jobs.list(null, 0, 100).totalItems()).isEqualTo(20);
    }
}
