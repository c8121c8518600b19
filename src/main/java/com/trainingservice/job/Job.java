package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingSpec;
import java.time.Instant;
import java.util.UUID;

/**
 * A job as stored: one row of {@code jobs}, read in one query. Immutable; the store changes the row.
 *
 * @param spec with its defaults filled in (seed, trainExamples, maxRuntime)
 * @param epochsDone epochs recorded so far
 * @param runningEpoch the epoch a RUNNING job trains now (0 before its first minibatch)
 * @param epochFraction of the running epoch, as last written by the instance running it
 * @param attempts runs started; more than one when the job was resumed after a crash or a lost claim
 * @param lastEpoch the newest recorded epoch; null before the first
 * @param result set once SUCCEEDED
 * @param device where its latest run trains or trained ("cpu", "cuda:0", ...); null before its first run has one
 */
public record Job(UUID id, String owner, TrainingSpec spec, JobState state, Instant createdAt, Instant startedAt,
                  Instant finishedAt, String error, int epochsDone, int runningEpoch, double epochFraction,
                  int attempts, String lastFailure, boolean cancelRequested, String runBy, EpochMetrics lastEpoch,
                  JobResult result, String device) {

    /** Who submitted the job, for the API and the per-owner queue limit. */
    public static final String ANONYMOUS = "anonymous";

    /** A job as the API shows it. */
    public JobView view() {
        double fraction = switch (state) {
            case SUCCEEDED -> 1.0;
            case RUNNING -> Math.min(1.0, (epochsDone + epochFraction) / spec.epochs());
            default -> (double) epochsDone / spec.epochs();
        };
        int epoch = state == JobState.RUNNING ? Math.max(runningEpoch, epochsDone + 1) : epochsDone;
        return new JobView(id, state, spec, new JobView.Progress(epoch, spec.epochs(), fraction), lastEpoch, result,
                createdAt, startedAt, finishedAt, error, owner, attempts, device);
    }
}
