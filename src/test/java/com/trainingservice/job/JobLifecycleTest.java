package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingFailedException;
import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Queue, slots, cancel, failure, resume, idempotency, deletion and limits, with a trainer the test steps by hand. */
class JobLifecycleTest {

    private final ScriptedTrainer trainer = new ScriptedTrainer();
    private final JobRig rig = new JobRig(trainer, JobRig.properties(2));
    private final JobService jobs = rig.jobs;

    @AfterEach
    void stop() {
        trainer.release.countDown();
        rig.close();
    }

    private static TrainingSpec spec(double learningRate) {
        return new TrainingSpec(Variant.LENET_BN, learningRate, 2, 256, 1L, 1000);
    }

    private JobState state(UUID id) {
        return jobs.get(id).state();
    }

    /** The lifecycle records of one job, in the order they were published. */
    private List<Object> eventsOf(UUID id) {
        return rig.published.stream().filter(event -> id.equals(jobId(event))).toList();
    }

    private static UUID jobId(Object event) {
        if (event instanceof JobSubmitted e) {
            return e.jobId();
        } else if (event instanceof JobStarted e) {
            return e.jobId();
        } else if (event instanceof JobProgressed e) {
            return e.jobId();
        } else if (event instanceof JobEpochFinished e) {
            return e.jobId();
        } else if (event instanceof JobEnded e) {
            return e.jobId();
        } else if (event instanceof JobAttemptEnded e) {
            return e.jobId();
        } else if (event instanceof JobDeleted e) {
            return e.jobId();
        }
        throw new AssertionError("not a job lifecycle record: " + event);
    }

    /** Exactly one JobEnded in {@code state}, after every other record but the attempt's end; with a run time when the job ran. */
    private void assertEndedOnce(UUID id, JobState expected, boolean ran) {
        List<Object> events = eventsOf(id).stream().filter(e -> !(e instanceof JobAttemptEnded)).toList();
        assertThat(events).filteredOn(JobEnded.class::isInstance).hasSize(1);
        assertThat(events).first().isEqualTo(new JobSubmitted(id, Variant.LENET_BN));
        JobEnded ended = (JobEnded) events.get(events.size() - 1);
        assertThat(ended.state()).isEqualTo(expected);
        if (ran) {
            assertThat(events).contains(new JobStarted(id, Variant.LENET_BN, "cpu"));
            assertThat(ended.runTime()).isPositive().isLessThan(Duration.ofSeconds(20));
        } else {
            assertThat(events).noneMatch(JobStarted.class::isInstance);
            assertThat(ended.runTime()).isNull();
        }
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
        assertThat(eventsOf(first)).startsWith(expected.toArray()).hasSize(expected.size() + 2);
        assertThat(eventsOf(first)).last().isEqualTo(new JobAttemptEnded(first, Variant.LENET_BN));
        assertEndedOnce(first, JobState.SUCCEEDED, true);
        assertEndedOnce(second, JobState.SUCCEEDED, true);
        // one slot: the second job starts after the first has ended
        assertThat(rig.published.indexOf(new JobAttemptEnded(first, Variant.LENET_BN)))
                .isLessThan(rig.published.indexOf(new JobStarted(second, Variant.LENET_BN, "cpu")));
    }

    @Test
    void runsJobsInSubmissionOrderAndKeepsTheirResults() {
        UUID first = jobs.submit(spec(0.1)).id();
        await().until(() -> state(first) == JobState.RUNNING);
        UUID second = jobs.submit(spec(0.2)).id();
        UUID third = jobs.submit(spec(0.3)).id();
        assertThat(state(second)).isEqualTo(JobState.QUEUED);

        trainer.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> state(third) == JobState.SUCCEEDED);

        assertThat(trainer.started).containsExactly(0.1, 0.2, 0.3);
        JobView done = jobs.get(first);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.progress()).isEqualTo(new JobView.Progress(2, 2, 1.0));
        assertThat(done.metrics()).isEqualTo(ScriptedTrainer.metrics(2));
        assertThat(done.result()).isEqualTo(new JobResult(0.5, 0.5, 0.5, 1000, "cpu"));
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(done.startedAt()).isAfterOrEqualTo(done.createdAt());
        assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
        assertThat(jobs.metrics(first)).containsExactly(ScriptedTrainer.metrics(1), ScriptedTrainer.metrics(2));
        assertThat(jobs.modelArtifact(first)).contains(new byte[] {1, 2, 3});
        assertThat(rig.store.checkpoint(first)).as("dropped once the job succeeded").isEmpty();
    }

    @Test
    void aFullQueueRefusesTheNextJobAndSaysWhenToRetry() {
        UUID running = jobs.submit(spec(0.1)).id();
        await().until(() -> state(running) == JobState.RUNNING);
        jobs.submit(spec(0.2));
        jobs.submit(spec(0.3));

        assertThatThrownBy(() -> jobs.submit(spec(0.4)))
                .isInstanceOfSatisfying(QueueFullException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(42)));
        assertThat(jobs.list(null, 0, 10).totalItems()).as("the refused job is not kept").isEqualTo(3);
        assertThat(rig.published).filteredOn(JobSubmitted.class::isInstance).as("nor published").hasSize(3);
    }

    @Test
    void cancellingAQueuedJobTakesItOutAtOnce() {
        UUID running = jobs.submit(spec(0.1)).id();
        await().until(() -> state(running) == JobState.RUNNING);
        UUID queued = jobs.submit(spec(0.2)).id();

        JobView cancelled = jobs.cancel(queued);

        assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.queueLength()).isZero();
        trainer.release.countDown();
        await().until(() -> state(running) == JobState.SUCCEEDED);
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
    void aCancelThatReachesTheStoreStopsTheJobWhereverItRuns() {
        UUID running = jobs.submit(spec(0.1)).id();
        await().until(() -> state(running) == JobState.RUNNING);

        // what another instance's cancel does: the flag in the store, nothing in this process
        rig.store.requestCancel(running);

        await().atMost(Duration.ofSeconds(5)).until(() -> state(running) == JobState.CANCELLED);
        assertEndedOnce(running, JobState.CANCELLED, true);
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
    void aJobThatFailsEndsFailedWithItsReasonAtOnceAndTheNextOneStillRuns() {
        trainer.failure = spec -> spec.learningRate() == 9.0 ? new TrainingFailedException("loss became NaN") : null;
        UUID failing = jobs.submit(spec(9.0)).id();
        trainer.release.countDown();
        UUID healthy = jobs.submit(spec(0.1)).id();

        await().atMost(Duration.ofSeconds(10)).until(() -> state(healthy) == JobState.SUCCEEDED);
        JobView failed = jobs.get(failing);
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.error()).isEqualTo("loss became NaN");
        assertThat(failed.attempts()).as("the job's own failure is not retried").isEqualTo(1);
        assertEndedOnce(failing, JobState.FAILED, true);
        assertEndedOnce(healthy, JobState.SUCCEEDED, true);
    }

    @Test
    void aRunThatFailsForAnotherReasonIsRetriedUpToMaxAttemptsThenEndsFailed() {
        trainer.failure = spec -> new IllegalStateException("boom");
        UUID crashing = jobs.submit(spec(0.5)).id();

        await().atMost(Duration.ofSeconds(10)).until(() -> state(crashing) == JobState.FAILED);
        JobView failed = jobs.get(crashing);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.error()).startsWith("gave up after 3 attempts").contains("boom");
        assertThat(trainer.started).hasSize(3);
        assertEndedOnce(crashing, JobState.FAILED, true);
    }

    @Test
    void aJobWhoseInstanceDiedResumesFromItsCheckpointAndGivesUpAfterMaxAttempts() {
        JdbcClient sql = JdbcClient.create(rig.dataSource);
        UUID resumed = jobs.submit(new TrainingSpec(Variant.LENET_BN, 0.1, 3, 256, 1L, 1000)).id();
        trainer.release.countDown();
        await().until(() -> state(resumed) == JobState.SUCCEEDED);

        // a job as a dead instance leaves it: RUNNING, one epoch and its checkpoint recorded, no live attempt
        UUID orphan = UUID.randomUUID();
        sql.sql("insert into jobs select ? , owner, variant, learning_rate, epochs, batch_size, seed, train_examples,"
                + " max_runtime_ms, 'RUNNING', created_at, started_at, null, null, 2, 0.5, 1, null, false, ?, 'dead-host-1',"
                + " null, 10, null, null, null, null, null, null from jobs where id = ?")
                .params(orphan, UUID.randomUUID(), resumed).update();
        sql.sql("insert into job_epochs select ?, epoch, loss, train_accuracy, test_accuracy, examples_per_second, seconds"
                + " from job_epochs where job_id = ? and epoch = 1").params(orphan, resumed).update();
        sql.sql("insert into job_artifacts values (?, 'checkpoint', 1, ?, 1, 1000, current_timestamp)")
                .params(orphan, new byte[] {1}).update();
        rig.queue.schedule(orphan);

        await().atMost(Duration.ofSeconds(10)).until(() -> state(orphan) == JobState.SUCCEEDED);
        JobView done = jobs.get(orphan);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(jobs.metrics(orphan)).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
        assertThat(trainer.resumedAfter).containsExactly(0, 1);

        // and one that died as often as a job may
        UUID doomed = UUID.randomUUID();
        sql.sql("insert into jobs select ?, owner, variant, learning_rate, epochs, batch_size, seed, train_examples,"
                + " max_runtime_ms, 'RUNNING', created_at, started_at, null, null, 0, 0, 3, null, false, ?, 'dead-host-2',"
                + " null, 10, null, null, null, null, null, null from jobs where id = ?")
                .params(doomed, UUID.randomUUID(), resumed).update();
        rig.queue.schedule(doomed);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(doomed) == JobState.FAILED);
        assertThat(jobs.get(doomed).error()).startsWith("gave up after 3 attempts; the last one: attempt 3 on dead-host-2 "
                + "stopped without ending the job");
    }

    @Test
    void shuttingDownGivesRunningJobsBackWithTheirCheckpointsAndTheNextInstanceFinishesThem() {
        trainer.epochsToRun = 1;
        UUID running = jobs.submit(spec(0.1)).id();
        UUID queued = jobs.submit(spec(0.2)).id();
        trainer.release.countDown();
        await().until(() -> jobs.metrics(running).size() == 1);

        rig.queue.stop();

        assertThat(jobs.get(running).state()).isEqualTo(JobState.QUEUED);
        assertThat(jobs.get(running).attempts()).as("not the job's failure").isZero();
        assertThat(jobs.get(queued).state()).isEqualTo(JobState.QUEUED);
        assertThat(eventsOf(running)).noneMatch(JobEnded.class::isInstance);

        ScriptedTrainer next = new ScriptedTrainer();
        next.release.countDown();
        try (JobRig restarted = new JobRig(next, JobRig.properties(2), rig.dataSource, 0, "restarted")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> restarted.jobs.get(queued).state() == JobState.SUCCEEDED);
            assertThat(restarted.jobs.get(running).state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(restarted.jobs.metrics(running)).extracting(EpochMetrics::epoch).containsExactly(1, 2);
            assertThat(next.resumedAfter).containsExactly(1, 0);
        }
    }

    @Test
    void aJobPastItsMaxRuntimeStopsKeepsItsCheckpointAndEndsFailed() {
        UUID slow = jobs.submit(new TrainingSpec(Variant.LENET_BN, 0.1, 3, 256, 1L, 1000, Duration.ofMillis(800)),
                Job.ANONYMOUS, null).job().id();
        trainer.epochsToRun = 1;
        trainer.release.countDown();
        await().until(() -> jobs.metrics(slow).size() == 1);

        await().atMost(Duration.ofSeconds(5)).until(() -> state(slow) == JobState.FAILED);
        assertThat(jobs.get(slow).error()).isEqualTo("max runtime exceeded (PT0.8S)");
        assertThat(rig.store.checkpoint(slow)).get().extracting(c -> c.epochsDone()).isEqualTo(1);
    }

    @Test
    void aMaxRuntimeOverTheCeilingIsRefusedNamingTheField() {
        assertThatThrownBy(() -> jobs.submit(new TrainingSpec(Variant.LENET_BN, 0.1, 1, 256, 1L, 1000, Duration.ofDays(2)),
                Job.ANONYMOUS, null))
                .isInstanceOfSatisfying(InvalidJobRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo("maxRuntime");
                    assertThat(e.reason()).contains("at most PT24H");
                });
        assertThat(jobs.submit(spec(0.1)).spec().maxRuntime()).as("the default").isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theSameIdempotencyKeyAndSpecAnswerTheFirstJobAnotherSpecIsRefused() {
        JobService.Submission first = jobs.submit(spec(0.1), "aaaaaaaaaaaa", "key-1");
        JobService.Submission again = jobs.submit(spec(0.1), "aaaaaaaaaaaa", "key-1");

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.job().id()).isEqualTo(first.job().id());
        assertThatThrownBy(() -> jobs.submit(spec(0.2), "aaaaaaaaaaaa", "key-1"))
                .isInstanceOf(IdempotencyKeyReusedException.class)
                .hasMessageContaining(first.job().id().toString());
        assertThat(jobs.submit(spec(0.1), "bbbbbbbbbbbb", "key-1").created()).as("keys are per owner").isTrue();
        assertThat(jobs.list(null, 0, 10).totalItems()).isEqualTo(2);
    }

    @Test
    void deletingAnEndedJobRemovesItsMetricsAndModelARunningOneIsAConflict() {
        UUID id = jobs.submit(spec(0.1)).id();
        await().until(() -> state(id) == JobState.RUNNING);
        assertThatThrownBy(() -> jobs.delete(id)).isInstanceOf(JobConflictException.class)
                .hasMessageContaining("cancel it first");

        trainer.release.countDown();
        await().until(() -> state(id) == JobState.SUCCEEDED);
        jobs.delete(id);

        assertThatThrownBy(() -> jobs.get(id)).isInstanceOf(JobNotFoundException.class);
        assertThat(rig.store.epochs(id)).isEmpty();
        assertThat(rig.store.model(id)).isEmpty();
        assertThat(rig.published).contains(new JobDeleted(id));
        assertThatThrownBy(() -> jobs.delete(id)).isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void aMissingSeedIsDrawnAndKeptSoTheJobCanBeRepeated() {
        JobView job = jobs.submit(new TrainingSpec(Variant.LENET, 0.9, 1, 256, null, null));
        assertThat(job.spec().seed()).isNotNull();
        assertThat(job.spec().trainExamples()).isEqualTo(60_000);
        assertThat(jobs.get(job.id()).spec()).isEqualTo(job.spec());
    }

    @Test
    void anUnknownJobIsNotFound() {
        assertThatThrownBy(() -> jobs.get(UUID.randomUUID())).isInstanceOf(JobNotFoundException.class);
    }
}
