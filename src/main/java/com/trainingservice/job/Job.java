package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One training job and its life. State changes go through the methods here, which refuse the
 * illegal ones; every method is synchronized because the worker thread writes while web threads read.
 */
public final class Job {

    /** Who submitted the job, for the API and the per-owner queue limit. */
    public static final String ANONYMOUS = "anonymous";

    private final UUID id;
    private final TrainingSpec spec;
    private final String owner;
    private final Instant createdAt;
    private final List<EpochMetrics> epochs = new ArrayList<>();
    private JobState state = JobState.QUEUED;
    private Instant startedAt;
    private Instant finishedAt;
    private String error;
    private JobResult result;
    private String device;
    private int runningEpoch;
    private double epochFraction;
    private volatile boolean cancelRequested;

    Job(UUID id, TrainingSpec spec, Instant createdAt) {
        this(id, spec, ANONYMOUS, createdAt);
    }

    /** @param owner who submitted it: an API key's id, or {@link #ANONYMOUS}; never a key */
    Job(UUID id, TrainingSpec spec, String owner, Instant createdAt) {
        this.id = id;
        this.spec = spec;
        this.owner = owner;
        this.createdAt = createdAt;
    }

    public UUID id() {
        return id;
    }

    public TrainingSpec spec() {
        return spec;
    }

    public String owner() {
        return owner;
    }

    public synchronized JobState state() {
        return state;
    }

    public synchronized List<EpochMetrics> epochs() {
        return List.copyOf(epochs);
    }

    boolean isCancelRequested() {
        return cancelRequested;
    }

    void requestCancel() {
        cancelRequested = true;
    }

    synchronized void start(Clock clock) {
        requireState(JobState.QUEUED, "start");
        state = JobState.RUNNING;
        startedAt = clock.instant();
        runningEpoch = 1;
    }

    synchronized void progress(int epoch, double fractionOfEpoch) {
        runningEpoch = epoch;
        epochFraction = fractionOfEpoch;
    }

    synchronized void recordEpoch(EpochMetrics metrics) {
        requireState(JobState.RUNNING, "record an epoch");
        if (metrics.epoch() != epochs.size() + 1) {
            throw new IllegalStateException("job " + id + ": epoch " + metrics.epoch() + " after " + epochs.size());
        }
        epochs.add(metrics);
        runningEpoch = Math.min(metrics.epoch() + 1, spec.epochs());
        epochFraction = 0;
    }

    /** The device the run holds ("cpu", "cuda:0", ...), known once its trainer has one. */
    synchronized void ranOn(String device) {
        this.device = device;
    }

    synchronized void succeed(JobResult result, Clock clock) {
        requireState(JobState.RUNNING, "succeed");
        this.result = result;
        finish(JobState.SUCCEEDED, null, clock);
    }

    synchronized void fail(String reason, Clock clock) {
        finish(JobState.FAILED, reason, clock);
    }

    synchronized void cancel(String reason, Clock clock) {
        finish(JobState.CANCELLED, reason, clock);
    }

    private void finish(JobState terminal, String reason, Clock clock) {
        if (state.isTerminal()) {
            throw new IllegalStateException("job " + id + " is already " + state);
        }
        state = terminal;
        error = reason;
        finishedAt = clock.instant();
    }

    private void requireState(JobState expected, String action) {
        if (state != expected) {
            throw new IllegalStateException("cannot " + action + " job " + id + " in state " + state);
        }
    }

    /** A consistent snapshot, as the API shows it. */
    public synchronized JobView view() {
        int done = epochs.size();
        double fraction = switch (state) {
            case SUCCEEDED -> 1.0;
            case RUNNING -> Math.min(1.0, (done + epochFraction) / spec.epochs());
            default -> (double) done / spec.epochs();
        };
        int epoch = state == JobState.RUNNING ? runningEpoch : done;
        return new JobView(id, state, spec, new JobView.Progress(epoch, spec.epochs(), fraction),
                done == 0 ? null : epochs.get(done - 1), result, createdAt, startedAt, finishedAt, error, owner, device);
    }

    public synchronized Optional<JobResult> result() {
        return Optional.ofNullable(result);
    }
}
