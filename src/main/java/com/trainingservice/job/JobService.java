package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** What the API and other features do with jobs. Every instance serves every job: the state is in the store. */
public class JobService {

    private final JobStore store;
    private final JobQueue queue;
    private final JobRunner runner;
    private final JobEvents events;
    private final TransactionOperations transactions;
    private final LifecycleEvents lifecycle;
    private final JobProperties properties;
    private final Clock clock;
    private final int maxQueuedPerOwner;

    /**
     * @param publisher receives a {@link JobSubmitted} per accepted job
     * @param maxQueuedPerOwner QUEUED jobs one owner may have; 0: no limit
     */
    JobService(JobStore store, JobQueue queue, JobRunner runner, JobEvents events, TransactionOperations transactions,
               ApplicationEventPublisher publisher, JobProperties properties, Clock clock, int maxQueuedPerOwner) {
        this.store = store;
        this.queue = queue;
        this.runner = runner;
        this.events = events;
        this.transactions = transactions;
        this.lifecycle = new LifecycleEvents(publisher);
        this.properties = properties;
        this.clock = clock;
        this.maxQueuedPerOwner = maxQueuedPerOwner;
    }

    /** What a submission answers: the job, and whether this request created it. */
    public record Submission(JobView job, boolean created) {
    }

    /** {@link #submit(TrainingSpec, String, String)} without an owner or a key. */
    public JobView submit(TrainingSpec spec) {
        return submit(spec, Job.ANONYMOUS, null).job();
    }

    /**
     * Queues a job for a valid spec; a missing seed is drawn here, so the job's spec tells how to repeat it.
     * A second submission with the same idempotency key answers the job the first one created.
     *
     * @param owner who submits it: an API key's id, or {@link Job#ANONYMOUS}; never a key
     * @param idempotencyKey the client's key for this submission; null for none
     * @throws QueueFullException when the queue is full, or {@code owner} has as many QUEUED jobs as one may have
     * @throws IdempotencyKeyReusedException when the key created a job from another spec
     */
    public Submission submit(TrainingSpec spec, String owner, String idempotencyKey) {
        Duration maxRuntime = spec.maxRuntime() == null ? properties.defaultMaxRuntime() : spec.maxRuntime();
        if (maxRuntime.compareTo(Duration.ZERO) <= 0 || maxRuntime.compareTo(properties.maxRuntimeCeiling()) > 0) {
            throw new InvalidJobRequestException("maxRuntime", "must be more than 0 and at most "
                    + properties.maxRuntimeCeiling() + " (ISO-8601, e.g. PT30M)");
        }
        String requestHash = idempotencyKey == null ? null : hash(spec);
        if (idempotencyKey != null) {
            Optional<Submission> earlier = earlierSubmission(owner, idempotencyKey, requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        Job job = new Job(UUID.randomUUID(), owner,
                spec.withDefaults(ThreadLocalRandom.current().nextLong(1L << 31), properties.defaultMaxRuntime()),
                JobState.QUEUED, clock.instant(), null, null, null, 0, 0, 0, 0, null, false, null, null, null, null);
        try {
            transactions.executeWithoutResult(status -> {
                checkQueueLimits(owner);
                store.insert(job, idempotencyKey, requestHash);
                queue.schedule(job.id());
            });
        } catch (DuplicateKeyException sameKeyAtOnce) {
            return earlierSubmission(owner, idempotencyKey, requestHash).orElseThrow(() -> sameKeyAtOnce);
        }
        lifecycle.publish(new JobSubmitted(job.id(), job.spec().variant()));
        return new Submission(job.view(), true);
    }

    private Optional<Submission> earlierSubmission(String owner, String idempotencyKey, String requestHash) {
        return store.findByIdempotencyKey(owner, idempotencyKey).map(earlier -> {
            if (!earlier.requestHash().equals(requestHash)) {
                throw new IdempotencyKeyReusedException(earlier.jobId());
            }
            return new Submission(get(earlier.jobId()), false);
        });
    }

    /** Counted in the submitting transaction; instances submitting at the same moment may pass a limit by a job or two. */
    private void checkQueueLimits(String owner) {
        if (store.count(JobState.QUEUED) >= properties.queueCapacity()) {
            throw new QueueFullException(properties.queueCapacity(), properties.retryAfter());
        }
        if (maxQueuedPerOwner > 0 && store.count(JobState.QUEUED, owner) >= maxQueuedPerOwner) {
            throw QueueFullException.forOwner(owner, maxQueuedPerOwner, properties.retryAfter());
        }
    }

    /** The spec as the client sent it, defaults not filled in: the same body gives the same hash. */
    private static String hash(TrainingSpec spec) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(spec.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public JobView get(UUID id) {
        return job(id).view();
    }

    public JobPage list(JobState state, int page, int size) {
        long total = store.count(state);
        List<JobView> items = store.list(state, page * size, size).stream().map(Job::view).toList();
        return new JobPage(items, page, size, total, (total + size - 1) / size);
    }

    public List<EpochMetrics> metrics(UUID id) {
        job(id);
        return store.epochs(id);
    }

    /**
     * A QUEUED job ends CANCELLED at once; a RUNNING one stops before its next minibatch on whichever
     * instance runs it (at once on this one, within the progress interval on another).
     *
     * @throws JobConflictException when the job has already ended
     */
    public JobView cancel(UUID id) {
        Job job = job(id);
        if (!store.requestCancel(id)) {
            throw new JobConflictException("job " + id + " has already ended: " + job(id).state());
        }
        if (store.endQueued(id, JobState.CANCELLED, "cancelled by request", clock.instant())) {
            queue.unschedule(id);
            lifecycle.ended(id, job.spec().variant(), JobState.CANCELLED, null);
        } else {
            runner.cancelLocally(id);
        }
        return get(id);
    }

    /**
     * Deletes an ended job with its metrics, checkpoint and model.
     *
     * @throws JobConflictException when the job has not ended: cancel it first
     */
    public void delete(UUID id) {
        Job job = job(id);
        if (!job.state().isTerminal() || !store.deleteEnded(id)) {
            throw new JobConflictException("job " + id + " is " + job(id).state() + "; cancel it first, then delete it");
        }
        queue.unschedule(id);
        lifecycle.publish(new JobDeleted(id));
    }

    public SseEmitter events(UUID id) {
        job(id);
        return events.subscribe(id);
    }

    /** Jobs that produced a model, newest first. */
    public List<JobView> withModels(int page, int size) {
        return store.list(JobState.SUCCEEDED, page * size, size).stream().map(Job::view).toList();
    }

    public long countWithModels() {
        return store.count(JobState.SUCCEEDED);
    }

    /** The model zip of a SUCCEEDED job; empty when the job has none (yet). */
    public Optional<byte[]> modelArtifact(UUID id) {
        return job(id).state() == JobState.SUCCEEDED ? store.model(id) : Optional.empty();
    }

    /** QUEUED jobs, all instances together. */
    public int queueLength() {
        return (int) store.count(JobState.QUEUED);
    }

    /** Jobs training on this instance. */
    public int runningJobs() {
        return runner.runningJobs();
    }

    private Job job(UUID id) {
        return store.find(id).orElseThrow(() -> new JobNotFoundException(id));
    }
}
