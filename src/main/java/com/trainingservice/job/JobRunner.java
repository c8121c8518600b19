package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.Trainer;
import com.trainingservice.training.TrainingCancelledException;
import com.trainingservice.training.TrainingCheckpoint;
import com.trainingservice.training.TrainingFailedException;
import com.trainingservice.training.TrainingObserver;
import com.trainingservice.training.TrainingResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Runs one attempt of a job: claims it, resumes from its checkpoint, records every epoch with the next
 * checkpoint in one transaction, and ends it. The queue calls {@link #run} on a worker thread; what the
 * run answers tells the queue whether the job is done with or must run again.
 */
class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    /** What the queue does with the job after a run. */
    enum Outcome {
        /** The job has ended (or belongs to another attempt now): forget it. */
        DONE,
        /** The job goes on: run it again, here or on another instance, from its checkpoint. */
        AGAIN,
        /** A failure that was not the job's fault: run it again after the retry delay. */
        RETRY_LATER
    }

    private final JobStore store;
    private final Trainer trainer;
    private final TransactionOperations transactions;
    private final LifecycleEvents lifecycle;
    private final JobProperties properties;
    private final Clock clock;
    private final String instance;
    private final Map<UUID, Attempt> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    JobRunner(JobStore store, Trainer trainer, TransactionOperations transactions, ApplicationEventPublisher publisher,
              JobProperties properties, Clock clock, String instance) {
        this.store = store;
        this.trainer = trainer;
        this.transactions = transactions;
        this.lifecycle = new LifecycleEvents(publisher);
        this.properties = properties;
        this.clock = clock;
        this.instance = instance;
    }

    /** This instance stops: running attempts give their jobs back at the next minibatch. */
    void stop() {
        stopping = true;
    }

    /** Jobs training on this instance now. */
    int runningJobs() {
        return running.size();
    }

    /** A cancel that arrives at the instance running the job stops it without waiting for the next poll. */
    void cancelLocally(UUID id) {
        Attempt attempt = running.get(id);
        if (attempt != null) {
            attempt.cancelled = true;
        }
    }

    Outcome run(UUID id) {
        Optional<Job> found = store.find(id);
        if (found.isEmpty() || found.get().state().isTerminal()) {
            return Outcome.DONE;
        }
        Job job = found.get();
        if (job.cancelRequested()) {
            endWithoutAttempt(job, JobState.CANCELLED, "cancelled by request");
            return Outcome.DONE;
        }
        if (job.state() == JobState.RUNNING) {
            // the attempt before this one never said how it ended: its instance died or lost its claim
            String reason = "attempt " + job.attempts() + " on " + job.runBy()
                    + " stopped without ending the job (the instance died or missed its heartbeats)";
            store.recordFailure(id, reason);
            job = store.find(id).orElse(job);
            log.warn("job {}: {}; resuming after epoch {}", id, reason, job.epochsDone());
        }
        if (job.attempts() >= properties.maxAttempts()) {
            endWithoutAttempt(job, JobState.FAILED, "gave up after " + job.attempts() + " attempts; the last one: "
                    + job.lastFailure());
            return Outcome.DONE;
        }
        if (stopping) {
            return Outcome.AGAIN;
        }
        Attempt attempt = new Attempt(job, UUID.randomUUID(), store.runTime(id));
        if (!store.claim(id, attempt.token, instance, clock.instant())) {
            return Outcome.DONE;
        }
        running.put(id, attempt);
        try {
            return attempt.run();
        } finally {
            running.remove(id);
            lifecycle.publish(new JobAttemptEnded(id, job.spec().variant()));
        }
    }

    private void endWithoutAttempt(Job job, JobState state, String reason) {
        if (store.end(job.id(), null, state, reason, null, clock.instant())) {
            lifecycle.ended(job.id(), job.spec().variant(), state,
                    job.startedAt() == null ? null : store.runTime(job.id()));
            log.info("job {} {}: {}", job.id(), state, reason);
        }
    }

    /** One attempt at one job, on the calling worker thread. */
    private final class Attempt implements TrainingObserver {

        private final Job job;
        private final UUID token;
        private final Duration earlierRunTime;
        private final long startNanos = System.nanoTime();
        private long nextProgressNanos;
        private int epoch;
        private double epochFraction;
        private volatile boolean cancelled;
        private boolean cancelledElsewhere;
        private boolean lostClaim;
        private boolean overRuntime;

        Attempt(Job job, UUID token, Duration earlierRunTime) {
            this.job = job;
            this.token = token;
            this.earlierRunTime = earlierRunTime;
        }

        Outcome run() {
            UUID id = job.id();
            Optional<TrainingCheckpoint> checkpoint = job.epochsDone() == 0 ? Optional.empty() : store.checkpoint(id);
            if (job.epochsDone() > 0 && checkpoint.map(c -> c.epochsDone() != job.epochsDone()).orElse(true)) {
                return endAs(JobState.FAILED, "the checkpoint after epoch " + job.epochsDone() + " is missing");
            }
            log.info("job {} attempt {} on {}: {}", id, job.attempts() + 1, instance, checkpoint
                    .map(c -> "resuming after epoch " + c.epochsDone()).orElse("starting"));
            try {
                TrainingResult result = trainer.train(job.spec(), checkpoint.orElse(null), this);
                return succeed(result, checkpoint.orElse(null));
            } catch (TrainingCancelledException e) {
                return stopped();
            } catch (TrainingFailedException e) {
                return endAs(JobState.FAILED, e.getMessage());
            } catch (RuntimeException | Error e) {
                return unexpected(e);
            }
        }

        private Outcome succeed(TrainingResult result, TrainingCheckpoint resumedFrom) {
            UUID id = job.id();
            EpochMetrics last = result.epochs().isEmpty() ? store.find(id).map(Job::lastEpoch).orElseThrow() : result.last();
            JobResult jobResult = new JobResult(last.loss(), last.trainAccuracy(), last.testAccuracy(),
                    result.examplesPerSecond(), result.device());
            boolean keepCheckpoint = properties.checkpointRetention().compareTo(Duration.ZERO) > 0;
            Boolean owned = transactions.execute(status -> store.succeed(id, token, jobResult, result.model(),
                    job.spec().epochs(), keepCheckpoint, runTime(), clock.instant()));
            if (!Boolean.TRUE.equals(owned)) {
                log.warn("job {}: finished training but another attempt owns the job now; its result is dropped", id);
                return Outcome.DONE;
            }
            lifecycle.ended(id, job.spec().variant(), JobState.SUCCEEDED, runTime());
            log.info("job {} succeeded: test accuracy {}", id, last.testAccuracy());
            return Outcome.DONE;
        }

        private Outcome stopped() {
            if (lostClaim) {
                log.warn("job {}: another attempt owns the job now; this one stops", job.id());
                return Outcome.DONE;
            }
            if (cancelled || cancelledElsewhere) {
                return endAs(JobState.CANCELLED, "cancelled by request");
            }
            if (overRuntime) {
                return endAs(JobState.FAILED, "max runtime exceeded (" + job.spec().maxRuntime() + ")");
            }
            // the instance is stopping: the job stays, with its checkpoint, for the next instance
            store.release(job.id(), token, runTime(), false);
            log.info("job {} released at shutdown; it resumes from its last checkpoint", job.id());
            return Outcome.AGAIN;
        }

        private Outcome unexpected(Throwable e) {
            String reason = "internal error: " + e;
            log.warn("job {} attempt {} failed: {}", job.id(), job.attempts() + 1, reason, e);
            try {
                store.recordFailure(job.id(), reason);
                if (job.attempts() + 1 >= properties.maxAttempts()) {
                    return endAs(JobState.FAILED, "gave up after " + (job.attempts() + 1) + " attempts; the last one: " + reason);
                }
                store.release(job.id(), token, runTime(), true);
                return Outcome.RETRY_LATER;
            } catch (RuntimeException storeDown) {
                // the claim times out and another attempt takes over
                log.warn("job {}: could not record the failure: {}", job.id(), storeDown.toString());
                return Outcome.RETRY_LATER;
            }
        }

        private Outcome endAs(JobState state, String reason) {
            if (store.end(job.id(), token, state, reason, runTime(), clock.instant())) {
                lifecycle.ended(job.id(), job.spec().variant(), state, runTime());
                log.info("job {} {}: {}", job.id(), state, reason);
            }
            return Outcome.DONE;
        }

        private Duration runTime() {
            return earlierRunTime.plusNanos(System.nanoTime() - startNanos);
        }

        /** The trainer holds its device: JobStarted names it. */
        @Override
        public void started(String device) {
            store.ranOn(job.id(), token, device);
            lifecycle.publish(new JobStarted(job.id(), job.spec().variant(), device));
        }

        /** Called before every minibatch: reads the store's cancel flag and writes the progress every progress interval. */
        @Override
        public boolean isCancellationRequested() {
            long now = System.nanoTime();
            if (now >= nextProgressNanos) {
                nextProgressNanos = now + properties.progressInterval().toNanos();
                Optional<Boolean> cancel = store.progress(job.id(), token, epoch, epochFraction, runTime());
                lostClaim = cancel.isEmpty();
                cancelledElsewhere = cancel.orElse(false);
            }
            if (cancelled || cancelledElsewhere || lostClaim || stopping) {
                return true;
            }
            overRuntime = runTime().compareTo(job.spec().maxRuntime()) > 0;
            return overRuntime;
        }

        @Override
        public void batchFinished(int epoch, int batchesDone, int batchesPerEpoch) {
            this.epoch = epoch;
            this.epochFraction = (double) batchesDone / batchesPerEpoch;
            lifecycle.publish(new JobProgressed(job.id(), job.spec().variant(), examplesIn(batchesDone)));
        }

        /** Minibatch {@code batch} (from 1) takes batchSize examples of the epoch's trainExamples; the last one the rest. */
        private int examplesIn(int batch) {
            int size = job.spec().batchSize();
            int examples = job.spec().trainExamples();
            return Math.max(0, Math.min(size, examples - (batch - 1) * size));
        }

        @Override
        public void epochFinished(EpochMetrics metrics, TrainingCheckpoint checkpoint) {
            Instant now = clock.instant();
            Boolean owned = transactions.execute(status ->
                    store.recordEpoch(job.id(), token, metrics, checkpoint, runTime(), now));
            if (!Boolean.TRUE.equals(owned)) {
                lostClaim = true;
                return;
            }
            this.epoch = metrics.epoch() + 1;
            this.epochFraction = 0;
            lifecycle.publish(new JobEpochFinished(job.id(), job.spec().variant(), metrics));
        }
    }
}
