package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingCheckpoint;
import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The store's SQL on both databases it runs on: the embedded H2 and a real PostgreSQL server
 * (binaries from Maven Central, started by the test), each migrated by the same Flyway scripts.
 */
class JobStoreTest {

    private static EmbeddedPostgres postgres;
    private static DataSource postgresDataSource;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        postgresDataSource = JobRig.migrated(postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("H2", JobRig.migratedH2()), Arguments.of("PostgreSQL", postgresDataSource));
    }

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private static Job queued(String owner, Instant createdAt) {
        return new Job(UUID.randomUUID(), owner, new TrainingSpec(Variant.LENET_BN_SCRATCH, 0.9, 3, 256, 42L, 6000,
                Duration.ofMinutes(30)), JobState.QUEUED, createdAt, null, null, null, 0, 0, 0, 0, null, false, null,
                null, null, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aJobGoesThroughItsLifeWithEpochsCheckpointsAndAModel(String name, DataSource database) {
        JobStore store = new JobStore(JdbcClient.create(database));
        Job job = queued("aaaaaaaaaaaa", NOW);
        store.insert(job, null, null);
        assertThat(store.find(job.id())).get().satisfies(found -> {
            assertThat(found.spec()).isEqualTo(job.spec());
            assertThat(found.state()).isEqualTo(JobState.QUEUED);
            assertThat(found.createdAt()).isEqualTo(NOW);
            assertThat(found.view().progress()).isEqualTo(new JobView.Progress(0, 3, 0.0));
        });

        UUID token = UUID.randomUUID();
        assertThat(store.claim(job.id(), token, "instance-a", NOW.plusSeconds(1))).isTrue();
        assertThat(store.progress(job.id(), token, 1, 0.5, Duration.ofSeconds(2))).contains(false);
        assertThat(store.find(job.id()).orElseThrow().view().progress().fraction()).isEqualTo(0.5 / 3);

        EpochMetrics first = new EpochMetrics(1, 0.61, 0.77, 0.8, 1234.5, 9.5);
        byte[] network = new byte[300_000];
        network[299_999] = 7;
        assertThat(store.recordEpoch(job.id(), token, first, new TrainingCheckpoint(1, network, 99, 6000),
                Duration.ofSeconds(3), NOW)).isTrue();
        assertThat(store.epochs(job.id())).containsExactly(first);
        assertThat(store.checkpoint(job.id())).get().satisfies(checkpoint -> {
            assertThat(checkpoint.epochsDone()).isEqualTo(1);
            assertThat(checkpoint.network()).isEqualTo(network);
            assertThat(checkpoint.trainingNanos()).isEqualTo(99);
            assertThat(checkpoint.examplesTrained()).isEqualTo(6000);
        });
        assertThatThrownBy(() -> store.recordEpoch(job.id(), token, first, new TrainingCheckpoint(1, network, 1, 1),
                Duration.ofSeconds(3), NOW)).as("an epoch is recorded once").isInstanceOf(DuplicateKeyException.class);

        Job running = store.find(job.id()).orElseThrow();
        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.startedAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(running.attempts()).isEqualTo(1);
        assertThat(running.runBy()).isEqualTo("instance-a");
        assertThat(running.lastEpoch()).isEqualTo(first);
        assertThat(store.runTime(job.id())).isEqualTo(Duration.ofSeconds(3));

        assertThat(store.succeed(job.id(), token, new JobResult(0.5, 0.8, 0.82, 1500, "cpu"), new byte[] {9}, 3, false,
                Duration.ofSeconds(4), NOW.plusSeconds(5))).isTrue();
        Job done = store.find(job.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.result()).isEqualTo(new JobResult(0.5, 0.8, 0.82, 1500, "cpu"));
        assertThat(done.finishedAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(store.model(job.id())).contains(new byte[] {9});
        assertThat(store.checkpoint(job.id())).as("dropped with the success").isEmpty();

        assertThat(store.deleteEnded(job.id())).isTrue();
        assertThat(store.find(job.id())).isEmpty();
        assertThat(store.epochs(job.id())).isEmpty();
        assertThat(store.model(job.id())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aStaleAttemptCanNoLongerWriteOnceAnotherHasClaimedTheJob(String name, DataSource database) {
        JobStore store = new JobStore(JdbcClient.create(database));
        Job job = queued(Job.ANONYMOUS, NOW);
        store.insert(job, null, null);
        UUID stale = UUID.randomUUID();
        UUID current = UUID.randomUUID();
        store.claim(job.id(), stale, "instance-a", NOW);
        store.claim(job.id(), current, "instance-b", NOW);

        EpochMetrics epoch = new EpochMetrics(1, 0.6, 0.7, 0.8, 1000, 10);
        assertThat(store.progress(job.id(), stale, 1, 0.2, Duration.ZERO)).isEmpty();
        assertThat(store.recordEpoch(job.id(), stale, epoch, new TrainingCheckpoint(1, new byte[] {1}, 1, 1),
                Duration.ZERO, NOW)).isFalse();
        assertThat(store.end(job.id(), stale, JobState.FAILED, "stale", Duration.ZERO, NOW)).isFalse();
        assertThat(store.epochs(job.id())).isEmpty();
        assertThat(store.find(job.id()).orElseThrow().attempts()).isEqualTo(2);

        assertThat(store.requestCancel(job.id())).isTrue();
        assertThat(store.progress(job.id(), current, 1, 0.2, Duration.ZERO)).contains(true);
        assertThat(store.end(job.id(), current, JobState.CANCELLED, "cancelled by request", Duration.ofSeconds(1), NOW))
                .isTrue();
        assertThat(store.requestCancel(job.id())).as("it has ended").isFalse();
        assertThat(store.deleteEnded(job.id())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void listsNewestFirstCountsByStateAndOwnerAndFindsIdempotencyKeys(String name, DataSource database) {
        JobStore store = new JobStore(JdbcClient.create(database));
        String owner = "owner-" + UUID.randomUUID().toString().substring(0, 6);
        Job older = queued(owner, NOW.minusSeconds(10));
        Job newer = queued(owner, NOW);
        store.insert(older, "key-1", "hash-1");
        store.insert(newer, null, null);
        assertThatThrownBy(() -> store.insert(queued(owner, NOW), "key-1", "hash-2"))
                .isInstanceOf(DuplicateKeyException.class);
        store.insert(queued("someone-else", NOW), "key-1", "hash-3");

        List<Job> queuedJobs = store.list(JobState.QUEUED, 0, 1000);
        assertThat(queuedJobs.stream().filter(j -> j.owner().equals(owner)).map(Job::id))
                .containsExactly(newer.id(), older.id());
        assertThat(store.count(JobState.QUEUED, owner)).isEqualTo(2);
        assertThat(store.findByIdempotencyKey(owner, "key-1"))
                .contains(new JobStore.IdempotentSubmission(older.id(), "hash-1"));
        assertThat(store.findByIdempotencyKey(owner, "key-2")).isEmpty();
        assertThat(store.endQueued(older.id(), JobState.CANCELLED, "cancelled by request", NOW)).isTrue();
        assertThat(store.count(JobState.QUEUED, owner)).isEqualTo(1);
        assertThat(store.find(older.id()).orElseThrow().error()).isEqualTo("cancelled by request");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void checkpointsOfEndedJobsAreDroppedAfterTheirRetention(String name, DataSource database) {
        JobStore store = new JobStore(JdbcClient.create(database));
        Job succeeded = queued(Job.ANONYMOUS, NOW);
        Job failed = queued(Job.ANONYMOUS, NOW);
        for (Job job : List.of(succeeded, failed)) {
            store.insert(job, null, null);
            UUID token = UUID.randomUUID();
            store.claim(job.id(), token, "a", NOW);
            store.recordEpoch(job.id(), token, new EpochMetrics(1, 1, 1, 1, 1, 1), new TrainingCheckpoint(1, new byte[] {1}, 1, 1),
                    Duration.ZERO, NOW);
            if (job == succeeded) {
                store.succeed(job.id(), token, new JobResult(1, 1, 1, 1, "cpu"), new byte[] {2}, 3, true, Duration.ZERO, NOW);
            } else {
                store.end(job.id(), token, JobState.FAILED, "max runtime exceeded", Duration.ZERO, NOW);
            }
        }

        store.deleteCheckpoints(NOW.minusSeconds(60), NOW.minusSeconds(60));
        assertThat(store.checkpoint(succeeded.id())).as("kept: within retention").isPresent();

        store.deleteCheckpoints(NOW.plusSeconds(1), NOW.minusSeconds(60));
        assertThat(store.checkpoint(succeeded.id())).isEmpty();
        assertThat(store.model(succeeded.id())).as("the model stays").isPresent();
        assertThat(store.checkpoint(failed.id())).as("a failed job keeps its own longer").isPresent();

        store.deleteCheckpoints(NOW.plusSeconds(1), NOW.plusSeconds(1));
        assertThat(store.checkpoint(failed.id())).isEmpty();
    }
}
