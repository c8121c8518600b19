package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingFailedException;
import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queue, slots, cancel and failure, with a trainer the test steps by hand. */
class JobExecutorTest {

    @TempDir
    Path models;

    private final ScriptedTrainer trainer = new ScriptedTrainer();
    /** What the executor and the service published, in order. */
    private final List<Object> published = new CopyOnWriteArrayList<>();
    private JobExecutor executor;
    private JobService jobs;
    private FileModelArtifactStore artifacts;

    @BeforeEach
    void start() {
        JobProperties properties = new JobProperties(1, 2, Duration.ofSeconds(42), Duration.ofSeconds(5), models,
                Duration.ofSeconds(15));
        JobEvents events = new JobEvents(properties.eventKeepAlive());
        artifacts = new FileModelArtifactStore(models);
        executor = new JobExecutor(trainer, artifacts, events, published::add, properties, Clock.systemUTC());
        jobs = new JobService(new InMemoryJobStore(), executor, events, published::add, artifacts, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        trainer.release.countDown();
        executor.close();
    }

    private static TrainingSpec spec(double learningRate) {
        return new TrainingSpec(Variant.LENET_BN, learningRate, 2, 256, 1L, 1000);
    }

    private JobState state(UUID id) {
        return jobs.get(id).state();
    }

    /** The lifecycle records of one job, in the order they were published. */
    private List<Object> eventsOf(UUID id) {
        return published.stream().filter(event -> id.equals(jobId(event))).toList();
    }

    private static UUID jobId(Object event) {
        if (event instanceof JobSubmitted submitted) {
            return submitted.jobId();
        }
        if (event instanceof JobStarted started) {
            return started.jobId();
        }
        if (event instanceof JobProgressed progressed) {
            return progressed.jobId();
        }
        if (event instanceof JobEpochFinished epoch) {
            return epoch.jobId();
        }
        if (event instanceof JobEnded ended) {
            return ended.jobId();
        }
        throw new AssertionError("not a job lifecycle record: " + event);
    }

    /** Exactly one JobEnded, the job's last record, in {@code state}; with a run time when the job ran. */
    private JobEnded assertEndedOnce(UUID id, JobState expected, boolean ran) {
        List<Object> events = eventsOf(id);
        assertThat(events).filteredOn(JobEnded.class::isInstance).hasSize(1);
        assertThat(events).first().isEqualTo(new JobSubmitted(id, Variant.LENET_BN));
        assertThat(events).last().isInstanceOf(JobEnded.class);
        JobEnded ended = (JobEnded) events.get(events.size() - 1);
        assertThat(ended.variant()).isEqualTo(Variant.LENET_BN);
        assertThat(ended.state()).isEqualTo(expected);
        if (ran) {
            assertThat(events).contains(new JobStarted(id, Variant.LENET_BN, "cpu"));
            JobView view = jobs.get(id);
            assertThat(ended.runTime()).isEqualTo(Duration.between(view.startedAt(), view.finishedAt()));
        } else {
            assertThat(events).noneMatch(JobStarted.class::isInstance);
            assertThat(ended.runTime()).isNull();
        }
        return ended;
    }

    @Test
    void publishesEachJobsLifecycleInOrder() {
        UUID first = jobs.submit(spec(0.1)).id();
        UUID second = jobs.submit(spec(0.2)).id();
        trainer.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> state(second) == JobState.SUCCEEDED);

        List<EpochMetrics> epochs = jobs.metrics(first);
        // 1000 examples in minibatches of 256: the fourth has the remaining 232
        List<Object> expected = List.of(
                new JobSubmitted(first, Variant.LENET_BN),
                new JobStarted(first, Variant.LENET_BN, "cpu"),
                new JobProgressed(first, Variant.LENET_BN, 256), new JobProgressed(first, Variant.LENET_BN, 256),
                new JobProgressed(first, Variant.LENET_BN, 256), new JobProgressed(first, Variant.LENET_BN, 232),
                new JobEpochFinished(first, Variant.LENET_BN, epochs.get(0)),
                new JobProgressed(first, Variant.LENET_BN, 256), new JobProgressed(first, Variant.LENET_BN, 256),
                new JobProgressed(first, Variant.LENET_BN, 256), new JobProgressed(first, Variant.LENET_BN, 232),
                new JobEpochFinished(first, Variant.LENET_BN, epochs.get(1)));
        assertThat(eventsOf(first)).startsWith(expected.toArray()).hasSize(expected.size() + 1);
        assertEndedOnce(first, JobState.SUCCEEDED, true);
        assertEndedOnce(second, JobState.SUCCEEDED, true);
        // one slot: the second job starts after the first has ended
        assertThat(published.indexOf(eventsOf(first).get(expected.size())))
                .isLessThan(published.indexOf(new JobStarted(second, Variant.LENET_BN, "cpu")));
    }

    @Test
    void runsJobsInSubmissionOrderAndKeepsTheirResults() {
        UUID first = jobs.submit(spec(0.1)).id();
        UUID second = jobs.submit(spec(0.2)).id();
        assertThat(state(second)).isEqualTo(JobState.QUEUED);

        trainer.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> state(second) == JobState.SUCCEEDED);

        assertThat(trainer.started).containsExactly(0.1, 0.2);
        JobView done = jobs.get(first);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.progress()).isEqualTo(new JobView.Progress(2, 2, 1.0));
        assertThat(done.result().device()).isEqualTo("cpu");
        assertThat(done.startedAt()).isAfterOrEqualTo(done.createdAt());
        assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
        assertThat(jobs.metrics(first)).extracting(m -> m.epoch()).containsExactly(1, 2);
        assertThat(jobs.modelArtifact(first)).contains(new byte[] {1, 2, 3});
    }

    @Test
    void theDeviceTheRunHoldsIsInItsStartRecordItsViewAndItsResult() {
        trainer.device = "cuda:1";
        UUID id = jobs.submit(spec(0.1)).id();
        await().atMost(Duration.ofSeconds(10)).until(() -> "cuda:1".equals(jobs.get(id).device()));
        assertThat(state(id)).isEqualTo(JobState.RUNNING);
        assertThat(eventsOf(id)).contains(new JobStarted(id, Variant.LENET_BN, "cuda:1"));

        trainer.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == JobState.SUCCEEDED);
        assertThat(jobs.get(id).device()).isEqualTo("cuda:1");
        assertThat(jobs.get(id).result().device()).isEqualTo("cuda:1");
    }

    @Test
    void aFullQueueRefusesTheNextJobAndSaysWhenToRetry() {
        jobs.submit(spec(0.1));
        await().until(() -> executor.runningJobs() == 1);
        jobs.submit(spec(0.2));
        jobs.submit(spec(0.3));

        assertThatThrownBy(() -> jobs.submit(spec(0.4)))
                .isInstanceOfSatisfying(QueueFullException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(42)));
        assertThat(jobs.list(null, 0, 10).totalItems()).as("the refused job is not kept").isEqualTo(3);
        assertThat(published).filteredOn(JobSubmitted.class::isInstance).as("nor published").hasSize(3);
    }

    @Test
    void cancellingAQueuedJobTakesItOutAtOnce() {
        jobs.submit(spec(0.1));
        UUID queued = jobs.submit(spec(0.2)).id();

        JobView cancelled = jobs.cancel(queued);

        assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
        assertThat(executor.queueLength()).isZero();
        trainer.release.countDown();
        await().until(() -> executor.runningJobs() == 0 && executor.queueLength() == 0);
        assertThat(trainer.started).containsExactly(0.1);
        assertEndedOnce(queued, JobState.CANCELLED, false);
        assertThat(eventsOf(queued)).hasSize(2);
    }

    @Test
    void cancellingARunningJobStopsItAndFreesItsSlot() {
        UUID running = jobs.submit(spec(0.1)).id();
        UUID next = jobs.submit(spec(0.2)).id();
        await().until(() -> state(running) == JobState.RUNNING);

        jobs.cancel(running);
        trainer.release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> state(next) == JobState.SUCCEEDED);
        JobView cancelled = jobs.get(running);
        assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.error()).isEqualTo("cancelled by request");
        assertThat(jobs.metrics(running)).isEmpty();
        assertThat(jobs.modelArtifact(running)).isEmpty();
        assertEndedOnce(running, JobState.CANCELLED, true);
        assertEndedOnce(next, JobState.SUCCEEDED, true);
    }

    @Test
    void cancellingAFinishedJobIsAConflict() {
        UUID id = jobs.submit(spec(0.1)).id();
        trainer.release.countDown();
        await().until(() -> state(id) == JobState.SUCCEEDED);

        assertThatThrownBy(() -> jobs.cancel(id)).isInstanceOf(JobConflictException.class)
                .hasMessageContaining("SUCCEEDED");
    }

    @Test
    void aFailingJobEndsFailedWithItsReasonAndTheNextOneStillRuns() {
        trainer.failure = spec -> spec.learningRate() == 9.0 ? new TrainingFailedException("loss became NaN")
                : spec.learningRate() == 0.5 ? new IllegalStateException("boom") : null;
        UUID failing = jobs.submit(spec(9.0)).id();
        UUID crashing = jobs.submit(spec(0.5)).id();
        trainer.release.countDown();
        await().until(() -> state(crashing).isTerminal());
        UUID healthy = jobs.submit(spec(0.1)).id();

        await().atMost(Duration.ofSeconds(10)).until(() -> state(healthy) == JobState.SUCCEEDED);
        assertThat(jobs.get(failing).state()).isEqualTo(JobState.FAILED);
        assertThat(jobs.get(failing).error()).isEqualTo("loss became NaN");
        assertThat(jobs.get(crashing).state()).isEqualTo(JobState.FAILED);
        assertThat(jobs.get(crashing).error()).contains("boom");
        assertEndedOnce(failing, JobState.FAILED, true);
        assertEndedOnce(crashing, JobState.FAILED, true);
        assertEndedOnce(healthy, JobState.SUCCEEDED, true);
    }

    @Test
    void shuttingDownStopsRunningJobsAndCancelsQueuedOnes() {
        UUID running = jobs.submit(spec(0.1)).id();
        UUID queued = jobs.submit(spec(0.2)).id();
        await().until(() -> state(running) == JobState.RUNNING);

        executor.close();

        assertThat(jobs.get(running).state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.get(running).error()).isEqualTo("the service shut down");
        assertThat(jobs.get(queued).state()).isEqualTo(JobState.CANCELLED);
        assertEndedOnce(running, JobState.CANCELLED, true);
        assertEndedOnce(queued, JobState.CANCELLED, false);
    }

    @Test
    void aMissingSeedIsDrawnAndKeptSoTheJobCanBeRepeated() {
        JobView job = jobs.submit(new TrainingSpec(Variant.LENET, 0.9, 1, 256, null, null));
        assertThat(job.spec().seed()).isNotNull();
        assertThat(job.spec().trainExamples()).isEqualTo(60_000);
    }

    @Test
    void anUnknownJobIsNotFound() {
        assertThatThrownBy(() -> jobs.get(UUID.randomUUID())).isInstanceOf(JobNotFoundException.class);
    }
}
