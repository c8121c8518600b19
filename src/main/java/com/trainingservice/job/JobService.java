package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** What the API and other features do with jobs. */
public class JobService {

    private final JobStore store;
    private final JobExecutor executor;
    private final JobEvents events;
    private final LifecycleEvents lifecycle;
    private final ModelArtifactStore models;
    private final Clock clock;
    private final int maxQueuedPerOwner;
    private final Duration retryAfter;
    /** Counting an owner's queued jobs and queueing one more happen as one. */
    private final Object submissions = new Object();

    /** @param publisher receives a {@link JobSubmitted} per accepted job */
    JobService(JobStore store, JobExecutor executor, JobEvents events, ApplicationEventPublisher publisher,
               ModelArtifactStore models, Clock clock) {
        this(store, executor, events, publisher, models, clock, 0, Duration.ZERO);
    }

    /**
     * @param maxQueuedPerOwner QUEUED jobs one owner may have; 0: no limit
     * @param retryAfter what a submission over that limit tells the client to wait
     */
    JobService(JobStore store, JobExecutor executor, JobEvents events, ApplicationEventPublisher publisher,
               ModelArtifactStore models, Clock clock, int maxQueuedPerOwner, Duration retryAfter) {
        this.maxQueuedPerOwner = maxQueuedPerOwner;
        this.retryAfter = retryAfter;
        this.store = store;
        this.executor = executor;
        this.events = events;
        this.lifecycle = new LifecycleEvents(publisher);
        this.models = models;
        this.clock = clock;
    }

    /** {@link #submit(TrainingSpec, String)} without an owner: {@link Job#ANONYMOUS}. */
    public JobView submit(TrainingSpec spec) {
        return submit(spec, Job.ANONYMOUS);
    }

    /**
     * Queues a job for a valid spec; a missing seed is drawn here, so the job's spec tells how to repeat it.
     *
     * @param owner who submits it: an API key's id, or {@link Job#ANONYMOUS}; never a key
     * @throws QueueFullException when the queue is full, or {@code owner} has as many QUEUED jobs as one may have
     */
    public JobView submit(TrainingSpec spec, String owner) {
        Job job = new Job(UUID.randomUUID(), spec.withDefaults(ThreadLocalRandom.current().nextLong(1L << 31)),
                owner, clock.instant());
        if (maxQueuedPerOwner <= 0) {
            return queue(job);
        }
        synchronized (submissions) {
            if (store.count(JobState.QUEUED, owner) >= maxQueuedPerOwner) {
                throw QueueFullException.forOwner(owner, maxQueuedPerOwner, retryAfter);
            }
            return queue(job);
        }
    }

    private JobView queue(Job job) {
        synchronized (job) {
            store.add(job);
            try {
                executor.enqueue(job);
            } catch (QueueFullException e) {
                store.remove(job.id());
                throw e;
            }
            // still holding the job: a worker cannot publish JobStarted before this
            lifecycle.publish(new JobSubmitted(job.id(), job.spec().variant()));
            return job.view();
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
        return job(id).epochs();
    }

    /**
     * @throws JobConflictException when the job has already ended
     */
    public JobView cancel(UUID id) {
        Job job = job(id);
        synchronized (job) {
            if (job.state().isTerminal()) {
                throw new JobConflictException("job " + id + " has already ended: " + job.state());
            }
            executor.cancel(job);
            return job.view();
        }
    }

    public SseEmitter events(UUID id) {
        return events.subscribe(job(id));
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
        Job job = job(id);
        return job.state() == JobState.SUCCEEDED ? models.load(id) : Optional.empty();
    }

    public int queueLength() {
        return executor.queueLength();
    }

    public int runningJobs() {
        return executor.runningJobs();
    }

    private Job job(UUID id) {
        return store.find(id).orElseThrow(() -> new JobNotFoundException(id));
    }
}
