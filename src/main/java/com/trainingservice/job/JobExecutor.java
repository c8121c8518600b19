package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.Trainer;
import com.trainingservice.training.TrainingCancelledException;
import com.trainingservice.training.TrainingFailedException;
import com.trainingservice.training.TrainingObserver;
import com.trainingservice.training.TrainingResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * A bounded FIFO queue in front of a fixed number of worker slots. Jobs start in submission order;
 * whatever a job does, its worker survives it and takes the next one.
 */
class JobExecutor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);

    private final Trainer trainer;
    private final ModelArtifactStore models;
    private final JobEvents events;
    private final LifecycleEvents lifecycle;
    private final Clock clock;
    private final int queueCapacity;
    private final Duration retryAfter;
    private final Duration shutdownGracePeriod;
    private final ThreadPoolExecutor workers;
    private final Map<UUID, Run> queued = new ConcurrentHashMap<>();
    private final Map<UUID, Job> running = new ConcurrentHashMap<>();

    /** @param publisher receives the lifecycle records ({@link JobStarted}, {@link JobEnded}, ...) */
    JobExecutor(Trainer trainer, ModelArtifactStore models, JobEvents events, ApplicationEventPublisher publisher,
                JobProperties properties, Clock clock) {
        this.trainer = trainer;
        this.models = models;
        this.events = events;
        this.lifecycle = new LifecycleEvents(publisher);
        this.clock = clock;
        this.queueCapacity = properties.queueCapacity();
        this.retryAfter = properties.retryAfter();
        this.shutdownGracePeriod = properties.shutdownGracePeriod();
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(properties.workerSlots(), properties.workerSlots(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(properties.queueCapacity()),
                task -> {
                    Thread thread = new Thread(task, "training-worker-" + threads.incrementAndGet());
                    thread.setDaemon(false);
                    return thread;
                });
    }

    /** @throws QueueFullException when {@code queueCapacity} jobs are already waiting */
    void enqueue(Job job) {
        Run run = new Run(job);
        queued.put(job.id(), run);
        try {
            workers.execute(run);
        } catch (RejectedExecutionException e) {
            queued.remove(job.id());
            throw new QueueFullException(queueCapacity, retryAfter);
        }
    }

    /** Takes a QUEUED job out of the queue at once; a RUNNING one stops before its next minibatch. */
    void cancel(Job job) {
        job.requestCancel();
        Run run = queued.remove(job.id());
        if (run != null && workers.remove(run)) {
            finishCancelled(job, "cancelled by request");
        }
    }

    int queueLength() {
        return workers.getQueue().size();
    }

    int runningJobs() {
        return running.size();
    }

    @Override
    public void close() {
        workers.shutdown();
        // no interrupts: a running job stops cleanly at its next minibatch
        running.values().forEach(Job::requestCancel);
        List<Runnable> waiting = new ArrayList<>();
        workers.getQueue().drainTo(waiting);
        for (Runnable run : waiting) {
            finishCancelled(((Run) run).job, "the service shut down before the job started");
        }
        try {
            if (!workers.awaitTermination(shutdownGracePeriod.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("training workers did not stop within {}", shutdownGracePeriod);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finishCancelled(Job job, String reason) {
        synchronized (job) {
            if (job.state().isTerminal()) {
                return;
            }
            job.cancel(reason, clock);
            events.stateChanged(job);
            lifecycle.ended(job);
        }
    }

    /** Runs one job on a worker thread. */
    private final class Run implements Runnable, TrainingObserver {

        private final Job job;

        Run(Job job) {
            this.job = job;
        }

        @Override
        public void run() {
            queued.remove(job.id());
            synchronized (job) {
                if (job.state() != JobState.QUEUED) {
                    return;
                }
                if (job.isCancelRequested()) {
                    finishCancelled(job, "cancelled by request");
                    return;
                }
                job.start(clock);
                events.stateChanged(job);
                running.put(job.id(), job);
            }
            try {
                TrainingResult result = trainer.train(job.spec(), this);
                models.save(job.id(), result.model());
                EpochMetrics last = result.last();
                synchronized (job) {
                    job.succeed(new JobResult(last.loss(), last.trainAccuracy(), last.testAccuracy(),
                            result.examplesPerSecond(), result.device()), clock);
                    events.stateChanged(job);
                    lifecycle.ended(job);
                }
                log.info("job {} succeeded: test accuracy {}", job.id(), last.testAccuracy());
            } catch (TrainingCancelledException e) {
                finishCancelled(job, workers.isShutdown() ? "the service shut down" : "cancelled by request");
                log.info("job {} {}", job.id(), e.getMessage());
            } catch (TrainingFailedException e) {
                fail(e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                fail("internal error: " + e, e);
            } finally {
                running.remove(job.id());
            }
        }

        /** The state first: whatever goes wrong afterwards (even logging), the job does not stay RUNNING. */
        private void fail(String reason, Throwable cause) {
            synchronized (job) {
                if (!job.state().isTerminal()) {
                    job.fail(reason, clock);
                    events.stateChanged(job);
                    lifecycle.ended(job);
                }
            }
            log.warn("job {} failed: {}", job.id(), reason, cause);
        }

        @Override
        public boolean isCancellationRequested() {
            return job.isCancelRequested();
        }

        /** The trainer holds its device: JobStarted names it. */
        @Override
        public void started(String device) {
            synchronized (job) {
                job.ranOn(device);
                events.deviceAssigned(job, device);
                lifecycle.publish(new JobStarted(job.id(), job.spec().variant(), device));
            }
        }

        @Override
        public void batchFinished(int epoch, int batchesDone, int batchesPerEpoch) {
            job.progress(epoch, (double) batchesDone / batchesPerEpoch);
            lifecycle.publish(new JobProgressed(job.id(), job.spec().variant(), examplesIn(batchesDone)));
        }

        /** Minibatch {@code batch} (from 1) takes batchSize examples of the epoch's trainExamples; the last one the rest. */
        private int examplesIn(int batch) {
            int size = job.spec().batchSize();
            int examples = job.spec().trainExamples();
            return Math.max(0, Math.min(size, examples - (batch - 1) * size));
        }

        @Override
        public void epochFinished(EpochMetrics metrics) {
            synchronized (job) {
                job.recordEpoch(metrics);
                events.epochFinished(job, metrics);
                lifecycle.publish(new JobEpochFinished(job.id(), job.spec().variant(), metrics));
            }
        }
    }
}
