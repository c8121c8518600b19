package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingCheckpoint;
import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Jobs, their epochs, checkpoints and models in the database (H2 or PostgreSQL, same SQL). Every
 * change of a running job names the attempt ({@code runToken}) that owns it: once another attempt has
 * taken the job over, a stale one's writes match no row and it stops. Callers that combine several
 * writes (an epoch with its checkpoint) run them in one transaction.
 */
class JobStore {

    static final String MODEL = "model";
    static final String CHECKPOINT = "checkpoint";

    private static final String SELECT_JOB = """
            select j.*, e.epoch as last_epoch, e.loss, e.train_accuracy, e.test_accuracy,
                   e.examples_per_second as epoch_examples_per_second, e.seconds,
                   (select count(*) from job_epochs c where c.job_id = j.id) as epochs_done
            from jobs j left join job_epochs e
              on e.job_id = j.id and e.epoch = (select max(m.epoch) from job_epochs m where m.job_id = j.id)
            """;

    private final JdbcClient jdbc;

    JobStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Job job, String idempotencyKey, String requestHash) {
        TrainingSpec spec = job.spec();
        jdbc.sql("""
                        insert into jobs (id, owner, variant, learning_rate, epochs, batch_size, seed, train_examples,
                                          max_runtime_ms, state, created_at, idempotency_key, request_hash)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(job.id(), job.owner(), spec.variant().id(), spec.learningRate(), spec.epochs(),
                        spec.batchSize(), spec.seed(), spec.trainExamples(), spec.maxRuntime().toMillis(),
                        job.state().name(), timestamp(job.createdAt()), idempotencyKey, requestHash)
                .update();
    }

    Optional<Job> find(UUID id) {
        return jdbc.sql(SELECT_JOB + " where j.id = ?").param(id).query(JobStore::job).optional();
    }

    /** The job an owner submitted with an idempotency key, and the hash of the request that created it. */
    Optional<IdempotentSubmission> findByIdempotencyKey(String owner, String key) {
        return jdbc.sql("select id, request_hash from jobs where owner = ? and idempotency_key = ?")
                .params(owner, key)
                .query((rs, row) -> new IdempotentSubmission(rs.getObject("id", UUID.class), rs.getString("request_hash")))
                .optional();
    }

    record IdempotentSubmission(UUID jobId, String requestHash) {
    }

    /** Newest first, optionally only those in {@code state}. */
    List<Job> list(JobState state, int offset, int limit) {
        String where = state == null ? "" : " where j.state = :state";
        return jdbc.sql(SELECT_JOB + where + " order by j.created_at desc, j.id limit :limit offset :offset")
                .param("state", state == null ? null : state.name())
                .param("limit", limit)
                .param("offset", offset)
                .query(JobStore::job)
                .list();
    }

    long count(JobState state) {
        return state == null
                ? jdbc.sql("select count(*) from jobs").query(Long.class).single()
                : jdbc.sql("select count(*) from jobs where state = ?").param(state.name()).query(Long.class).single();
    }

    long count(JobState state, String owner) {
        return jdbc.sql("select count(*) from jobs where state = ? and owner = ?")
                .params(state.name(), owner).query(Long.class).single();
    }

    List<EpochMetrics> epochs(UUID id) {
        return jdbc.sql("select * from job_epochs where job_id = ? order by epoch")
                .param(id)
                .query((rs, row) -> epoch(rs, "epoch", "examples_per_second"))
                .list();
    }

    /**
     * Makes {@code runToken} the attempt that owns a QUEUED or RUNNING job, and counts the attempt.
     *
     * @return false when the job has ended (or is gone) in the meantime
     */
    boolean claim(UUID id, UUID runToken, String runBy, Instant now) {
        return jdbc.sql("""
                        update jobs set state = 'RUNNING', attempts = attempts + 1, run_token = ?, run_by = ?,
                                        started_at = coalesce(started_at, ?), epoch_fraction = 0
                        where id = ? and state in ('QUEUED', 'RUNNING')""")
                .params(runToken, runBy, timestamp(now), id)
                .update() == 1;
    }

    /** The device the attempt trains on, once its trainer holds one. */
    void ranOn(UUID id, UUID runToken, String device) {
        jdbc.sql("update jobs set device = ? where id = ? and run_token = ?").params(device, id, runToken).update();
    }

    /** Why the attempts before this one stopped, for the reason a job that gives up ends with. */
    void recordFailure(UUID id, String reason) {
        jdbc.sql("update jobs set last_failure = ? where id = ?").params(abbreviate(reason), id).update();
    }

    /**
     * Where the attempt is now, and whether it still owns the job.
     *
     * @return the job's cancel flag; empty when the attempt no longer owns the job
     */
    Optional<Boolean> progress(UUID id, UUID runToken, int epoch, double fraction, Duration runTime) {
        int updated = jdbc.sql("""
                        update jobs set running_epoch = ?, epoch_fraction = ?, run_millis = ?
                        where id = ? and run_token = ? and state = 'RUNNING'""")
                .params(epoch, fraction, runTime.toMillis(), id, runToken)
                .update();
        if (updated == 0) {
            return Optional.empty();
        }
        return Optional.of(jdbc.sql("select cancel_requested from jobs where id = ?").param(id).query(Boolean.class).single());
    }

    /** The run time of a job's earlier attempts, counted up to their last progress write. */
    Duration runTime(UUID id) {
        return Duration.ofMillis(jdbc.sql("select run_millis from jobs where id = ?").param(id).query(Long.class).single());
    }

    /**
     * An epoch and the checkpoint after it; call in a transaction.
     *
     * @return false when the attempt no longer owns the job (nothing written)
     */
    boolean recordEpoch(UUID id, UUID runToken, EpochMetrics metrics, TrainingCheckpoint checkpoint, Duration runTime,
                        Instant now) {
        int owned = jdbc.sql("""
                        update jobs set running_epoch = ?, epoch_fraction = 0, run_millis = ?
                        where id = ? and run_token = ? and state = 'RUNNING'""")
                .params(metrics.epoch(), runTime.toMillis(), id, runToken)
                .update();
        if (owned == 0) {
            return false;
        }
        jdbc.sql("""
                        insert into job_epochs (job_id, epoch, loss, train_accuracy, test_accuracy, examples_per_second, seconds)
                        values (?, ?, ?, ?, ?, ?, ?)""")
                .params(id, metrics.epoch(), metrics.loss(), metrics.trainAccuracy(), metrics.testAccuracy(),
                        metrics.examplesPerSecond(), metrics.seconds())
                .update();
        saveArtifact(id, CHECKPOINT, checkpoint.epochsDone(), checkpoint.network(), checkpoint.trainingNanos(),
                checkpoint.examplesTrained(), now);
        return true;
    }

    /** The job's last checkpoint, if it has one. */
    Optional<TrainingCheckpoint> checkpoint(UUID id) {
        return jdbc.sql("select epoch, content, training_nanos, examples_trained from job_artifacts where job_id = ? and kind = ?")
                .params(id, CHECKPOINT)
                .query((rs, row) -> new TrainingCheckpoint(rs.getInt("epoch"), rs.getBytes("content"),
                        rs.getLong("training_nanos"), rs.getLong("examples_trained")))
                .optional();
    }

    Optional<byte[]> model(UUID id) {
        return jdbc.sql("select content from job_artifacts where job_id = ? and kind = ?")
                .params(id, MODEL)
                .query((rs, row) -> rs.getBytes("content"))
                .optional();
    }

    /**
     * SUCCEEDED with its result and model; call in a transaction.
     *
     * @return false when the attempt no longer owns the job (nothing written)
     */
    boolean succeed(UUID id, UUID runToken, JobResult result, byte[] model, int epochs, boolean keepCheckpoint,
                    Duration runTime, Instant now) {
        int owned = jdbc.sql("""
                        update jobs set state = 'SUCCEEDED', finished_at = ?, run_token = null, run_millis = ?,
                                        final_loss = ?, final_train_accuracy = ?, final_test_accuracy = ?,
                                        examples_per_second = ?, device = coalesce(?, device)
                        where id = ? and run_token = ? and state = 'RUNNING'""")
                .params(timestamp(now), runTime.toMillis(), result.loss(), result.trainAccuracy(), result.testAccuracy(),
                        result.examplesPerSecond(), result.device(), id, runToken)
                .update();
        if (owned == 0) {
            return false;
        }
        saveArtifact(id, MODEL, epochs, model, 0, 0, now);
        if (!keepCheckpoint) {
            deleteArtifact(id, CHECKPOINT);
        }
        return true;
    }

    /**
     * Ends a job that has not ended yet: FAILED or CANCELLED, with the reason.
     *
     * @param runToken the attempt that ends it; null to end it whoever runs it (a job that gave up)
     * @param runTime all attempts' run time; null to keep the recorded one
     * @return false when the job had already ended (or the attempt no longer owns it)
     */
    boolean end(UUID id, UUID runToken, JobState state, String reason, Duration runTime, Instant now) {
        return end(id, runToken, state, reason, runTime, now, "'QUEUED', 'RUNNING'");
    }

    /** Ends a job that no attempt has claimed. False when it is not QUEUED (any more). */
    boolean endQueued(UUID id, JobState state, String reason, Instant now) {
        return end(id, null, state, reason, null, now, "'QUEUED'");
    }

    private boolean end(UUID id, UUID runToken, JobState state, String reason, Duration runTime, Instant now,
                        String fromStates) {
        if (!state.isTerminal() || state == JobState.SUCCEEDED) {
            throw new IllegalArgumentException("end a job as FAILED or CANCELLED, not " + state);
        }
        String owner = runToken == null ? "" : " and run_token = :token";
        return jdbc.sql("""
                        update jobs set state = :state, error = :reason, finished_at = :now, run_token = null,
                                        run_millis = coalesce(:runMillis, run_millis)
                        where id = :id and state in (""" + fromStates + ")" + owner)
                .param("state", state.name())
                .param("reason", abbreviate(reason))
                .param("now", timestamp(now))
                .param("runMillis", runTime == null ? null : runTime.toMillis())
                .param("id", id)
                .param("token", runToken)
                .update() == 1;
    }

    /** Asks the attempt running the job, wherever it runs, to stop. False when the job has ended. */
    boolean requestCancel(UUID id) {
        return jdbc.sql("update jobs set cancel_requested = true where id = ? and state in ('QUEUED', 'RUNNING')")
                .param(id).update() == 1;
    }

    /**
     * Gives a job back to the queue, to resume from its checkpoint.
     *
     * @param countAttempt false when the job is fine and only this instance stops; true after a failure
     * @return false when the attempt no longer owns the job
     */
    boolean release(UUID id, UUID runToken, Duration runTime, boolean countAttempt) {
        return jdbc.sql("""
                        update jobs set state = 'QUEUED', attempts = attempts - ?, run_token = null, run_by = null,
                                        epoch_fraction = 0, run_millis = ?
                        where id = ? and run_token = ? and state = 'RUNNING'""")
                .params(countAttempt ? 0 : 1, runTime.toMillis(), id, runToken)
                .update() == 1;
    }

    /** Deletes an ended job with its epochs, checkpoint and model. False when it has not ended (or is gone). */
    boolean deleteEnded(UUID id) {
        return jdbc.sql("delete from jobs where id = ? and state in ('SUCCEEDED', 'FAILED', 'CANCELLED')")
                .param(id).update() == 1;
    }

    /** Drops the checkpoints of SUCCEEDED jobs that ended before {@code succeededBefore}, and of the others before {@code othersBefore}. */
    int deleteCheckpoints(Instant succeededBefore, Instant othersBefore) {
        return jdbc.sql("""
                        delete from job_artifacts where kind = :kind and job_id in (
                            select id from jobs
                            where state = 'SUCCEEDED' and finished_at < :succeeded
                               or state in ('FAILED', 'CANCELLED') and finished_at < :others)""")
                .param("kind", CHECKPOINT)
                .param("succeeded", timestamp(succeededBefore))
                .param("others", timestamp(othersBefore))
                .update();
    }

    private void saveArtifact(UUID id, String kind, int epoch, byte[] content, long trainingNanos, long examples,
                              Instant now) {
        // delete and insert: one statement per database would need MERGE/ON CONFLICT dialects
        deleteArtifact(id, kind);
        jdbc.sql("""
                        insert into job_artifacts (job_id, kind, epoch, content, training_nanos, examples_trained, created_at)
                        values (?, ?, ?, ?, ?, ?, ?)""")
                .params(id, kind, epoch, content, trainingNanos, examples, timestamp(now))
                .update();
    }

    private void deleteArtifact(UUID id, String kind) {
        jdbc.sql("delete from job_artifacts where job_id = ? and kind = ?").params(id, kind).update();
    }

    private static Job job(ResultSet rs, int row) throws SQLException {
        TrainingSpec spec = new TrainingSpec(Variant.fromId(rs.getString("variant")).orElseThrow(), rs.getDouble("learning_rate"),
                rs.getInt("epochs"), rs.getInt("batch_size"), rs.getLong("seed"), rs.getInt("train_examples"),
                Duration.ofMillis(rs.getLong("max_runtime_ms")));
        JobState state = JobState.valueOf(rs.getString("state"));
        rs.getInt("last_epoch");
        EpochMetrics last = rs.wasNull() ? null : epoch(rs, "last_epoch", "epoch_examples_per_second");
        JobResult result = state == JobState.SUCCEEDED
                ? new JobResult(rs.getDouble("final_loss"), rs.getDouble("final_train_accuracy"),
                        rs.getDouble("final_test_accuracy"), rs.getDouble("examples_per_second"), rs.getString("device"))
                : null;
        return new Job(rs.getObject("id", UUID.class), rs.getString("owner"), spec, state, instant(rs, "created_at"),
                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getString("error"), rs.getInt("epochs_done"),
                rs.getInt("running_epoch"), rs.getDouble("epoch_fraction"), rs.getInt("attempts"),
                rs.getString("last_failure"), rs.getBoolean("cancel_requested"), rs.getString("run_by"), last, result,
                rs.getString("device"));
    }

    private static EpochMetrics epoch(ResultSet rs, String epochColumn, String examplesPerSecondColumn) throws SQLException {
        return new EpochMetrics(rs.getInt(epochColumn), rs.getDouble("loss"), rs.getDouble("train_accuracy"),
                rs.getDouble("test_accuracy"), rs.getDouble(examplesPerSecondColumn), rs.getDouble("seconds"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }
}
