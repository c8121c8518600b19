package com.trainingservice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.job.JobAttemptEnded;
import com.trainingservice.job.JobEnded;
import com.trainingservice.job.JobEpochFinished;
import com.trainingservice.job.JobProgressed;
import com.trainingservice.job.JobStarted;
import com.trainingservice.job.JobState;
import com.trainingservice.job.JobSubmitted;
import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.Variant;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The training meters, driven by the lifecycle records a job publishes (JobExecutorTest checks that it does). */
class TrainingMetricsTest {

    private static final Variant VARIANT = Variant.LENET_BN;
    private static final List<String> PER_JOB = List.of(TrainingMetrics.JOB_EPOCH, TrainingMetrics.JOB_LOSS,
            TrainingMetrics.JOB_TRAIN_ACCURACY, TrainingMetrics.JOB_TEST_ACCURACY);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final TrainingMetrics metrics = new TrainingMetrics(registry, queued::get, running::get);

    @Test
    void everyVariantAndTerminalStateHasItsSeriesAtZeroBeforeAnyJob() {
        for (Variant variant : Variant.values()) {
            assertThat(registry.get(TrainingMetrics.SUBMITTED).tag("variant", variant.id()).counter().count()).isZero();
            assertThat(registry.get(TrainingMetrics.EXAMPLES).tag("variant", variant.id()).counter().count()).isZero();
            assertThat(registry.get(TrainingMetrics.EPOCH_DURATION).tag("variant", variant.id()).timer().count()).isZero();
            for (String state : List.of("SUCCEEDED", "FAILED", "CANCELLED")) {
                assertThat(finished(variant, state)).isZero();
                assertThat(jobDuration(variant, state).count()).isZero();
            }
        }
        assertThat(registry.find(TrainingMetrics.FINISHED).tag("state", "RUNNING").counters()).isEmpty();
        assertThat(registry.find(TrainingMetrics.EXAMPLES_PER_SECOND).gauges()).as("only once an epoch has finished")
                .isEmpty();
        assertThat(registry.find(TrainingMetrics.JOB_EPOCH).gauges()).isEmpty();
    }

    @Test
    void queueAndRunningGaugesReadTheJobService() {
        queued.set(3);
        running.set(1);
        assertThat(registry.get(TrainingMetrics.QUEUED).gauge().value()).isEqualTo(3);
        assertThat(registry.get(TrainingMetrics.RUNNING).gauge().value()).isEqualTo(1);
    }

    @Test
    void aJobThatSucceedsMovesCountersHistogramsAndItsGaugesComeAndGo() {
        UUID id = UUID.randomUUID();
        metrics.submitted(new JobSubmitted(id, VARIANT));
        assertThat(registry.get(TrainingMetrics.SUBMITTED).tag("variant", "lenet-bn").counter().count()).isEqualTo(1);
        assertThat(registry.get(TrainingMetrics.SUBMITTED).tag("variant", "lenet").counter().count()).isZero();
        assertThat(perJobGauges(id)).as("not while queued").isEmpty();

        metrics.started(new JobStarted(id, VARIANT, "cuda:1"));
        assertThat(perJobGauges(id)).hasSize(4);
        assertThat(gauge(TrainingMetrics.JOB_EPOCH, id)).isZero();
        assertThat(gauge(TrainingMetrics.JOB_LOSS, id)).as("no epoch yet").isNaN();
        assertThat(registry.get(TrainingMetrics.JOB_LOSS).tag("job_id", id.toString()).tag("variant", "lenet-bn")
                .tag("device", "cuda:1").gauge()).isNotNull();

        for (int epoch = 1; epoch <= 2; epoch++) {
            for (int examples : new int[] {256, 256, 256, 232}) {
                metrics.progressed(new JobProgressed(id, VARIANT, examples));
            }
            metrics.epochFinished(new JobEpochFinished(id, VARIANT,
                    new EpochMetrics(epoch, 1.0 / epoch, 0.5 + epoch / 10.0, 0.4 + epoch / 10.0, 1000 * epoch, 7.5)));
            assertThat(gauge(TrainingMetrics.JOB_EPOCH, id)).isEqualTo(epoch);
            assertThat(gauge(TrainingMetrics.JOB_LOSS, id)).isEqualTo(1.0 / epoch);
            assertThat(gauge(TrainingMetrics.JOB_TRAIN_ACCURACY, id)).isEqualTo(0.5 + epoch / 10.0);
            assertThat(gauge(TrainingMetrics.JOB_TEST_ACCURACY, id)).isEqualTo(0.4 + epoch / 10.0);
        }
        assertThat(registry.get(TrainingMetrics.EXAMPLES).tag("variant", "lenet-bn").counter().count()).isEqualTo(2000);
        assertThat(registry.get(TrainingMetrics.EXAMPLES_PER_SECOND).tag("variant", "lenet-bn").tag("device", "cuda:1")
                .gauge().value()).as("the last epoch's").isEqualTo(2000);
        Timer epochs = registry.get(TrainingMetrics.EPOCH_DURATION).tag("variant", "lenet-bn").timer();
        assertThat(epochs.count()).isEqualTo(2);
        assertThat(epochs.totalTime(TimeUnit.SECONDS)).isEqualTo(15.0);
        assertThat(bucket(epochs, Duration.ofSeconds(5))).isZero();
        assertThat(bucket(epochs, Duration.ofSeconds(10))).isEqualTo(2);

        metrics.ended(new JobEnded(id, VARIANT, JobState.SUCCEEDED, Duration.ofSeconds(95)));
        assertThat(perJobGauges(id)).as("until its run on this instance is over").isNotEmpty();
        metrics.attemptEnded(new JobAttemptEnded(id, VARIANT));

        assertThat(finished(VARIANT, "SUCCEEDED")).isEqualTo(1);
        assertThat(finished(VARIANT, "FAILED")).isZero();
        Timer duration = jobDuration(VARIANT, "SUCCEEDED");
        assertThat(duration.count()).isEqualTo(1);
        assertThat(duration.totalTime(TimeUnit.SECONDS)).isEqualTo(95.0);
        assertThat(bucket(duration, Duration.ofMinutes(1))).isZero();
        assertThat(bucket(duration, Duration.ofMinutes(2))).isEqualTo(1);
        assertThat(bucket(duration, Duration.ofHours(8))).isEqualTo(1);
        assertThat(perJobGauges(id)).as("removed when the job ends").isEmpty();
        assertThat(registry.find(TrainingMetrics.JOB_LOSS).gauges()).isEmpty();
        assertThat(registry.get(TrainingMetrics.EXAMPLES_PER_SECOND).gauge().value()).as("the variant's stays")
                .isEqualTo(2000);
    }

    @Test
    void failedAndCancelledJobsLoseTheirGaugesToo() {
        UUID failing = UUID.randomUUID();
        UUID cancelled = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        for (UUID id : List.of(failing, cancelled, other)) {
            metrics.submitted(new JobSubmitted(id, Variant.LENET_BN_SCRATCH));
            metrics.started(new JobStarted(id, Variant.LENET_BN_SCRATCH, "cpu"));
        }
        metrics.epochFinished(new JobEpochFinished(failing, Variant.LENET_BN_SCRATCH,
                new EpochMetrics(1, 2.3, 0.1, 0.1, 500, 30)));
        assertThat(registry.find(TrainingMetrics.JOB_EPOCH).gauges()).hasSize(3);

        metrics.ended(new JobEnded(failing, Variant.LENET_BN_SCRATCH, JobState.FAILED, Duration.ofSeconds(40)));
        metrics.ended(new JobEnded(cancelled, Variant.LENET_BN_SCRATCH, JobState.CANCELLED, Duration.ofSeconds(3)));
        metrics.attemptEnded(new JobAttemptEnded(failing, Variant.LENET_BN_SCRATCH));
        metrics.attemptEnded(new JobAttemptEnded(cancelled, Variant.LENET_BN_SCRATCH));

        assertThat(perJobGauges(failing)).isEmpty();
        assertThat(perJobGauges(cancelled)).isEmpty();
        assertThat(perJobGauges(other)).as("still running").hasSize(4);
        assertThat(finished(Variant.LENET_BN_SCRATCH, "FAILED")).isEqualTo(1);
        assertThat(finished(Variant.LENET_BN_SCRATCH, "CANCELLED")).isEqualTo(1);
        assertThat(jobDuration(Variant.LENET_BN_SCRATCH, "FAILED").count()).isEqualTo(1);
        assertThat(jobDuration(Variant.LENET_BN_SCRATCH, "CANCELLED").count()).isEqualTo(1);
    }

    @Test
    void aJobCancelledWhileQueuedCountsAsFinishedButHasNoRunTime() {
        UUID id = UUID.randomUUID();
        metrics.submitted(new JobSubmitted(id, Variant.LENET));
        metrics.ended(new JobEnded(id, Variant.LENET, JobState.CANCELLED, null));

        assertThat(finished(Variant.LENET, "CANCELLED")).isEqualTo(1);
        assertThat(jobDuration(Variant.LENET, "CANCELLED").count()).isZero();
        assertThat(perJobGauges(id)).isEmpty();
    }

    @Test
    void aJobWhoseStartWasNotSeenGetsItsGaugesOnItsFirstEpoch() {
        UUID id = UUID.randomUUID();
        metrics.epochFinished(new JobEpochFinished(id, VARIANT, new EpochMetrics(1, 0.7, 0.75, 0.8, 900, 12)));
        assertThat(gauge(TrainingMetrics.JOB_TEST_ACCURACY, id)).isEqualTo(0.8);
        assertThat(registry.get(TrainingMetrics.JOB_TEST_ACCURACY).tag("job_id", id.toString()).gauge().getId()
                .getTag("device")).isEqualTo(TrainingMetrics.UNKNOWN_DEVICE);

        metrics.ended(new JobEnded(id, VARIANT, JobState.SUCCEEDED, Duration.ofSeconds(12)));
        metrics.attemptEnded(new JobAttemptEnded(id, VARIANT));
        assertThat(perJobGauges(id)).isEmpty();
    }

    @Test
    void aJobThatGoesOnElsewhereLosesItsGaugesHereButIsNotCountedAsFinished() {
        UUID id = UUID.randomUUID();
        metrics.started(new JobStarted(id, VARIANT, "cpu"));
        metrics.attemptEnded(new JobAttemptEnded(id, VARIANT));

        assertThat(perJobGauges(id)).isEmpty();
        assertThat(finished(VARIANT, "SUCCEEDED")).isZero();
    }

    @Test
    void jobsOnTwoGpusKeepTheirOwnExamplesPerSecond() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        metrics.started(new JobStarted(first, VARIANT, "cuda:0"));
        metrics.started(new JobStarted(second, VARIANT, "cuda:1"));

        metrics.epochFinished(new JobEpochFinished(first, VARIANT, new EpochMetrics(1, 0.7, 0.75, 0.8, 9000, 12)));
        metrics.epochFinished(new JobEpochFinished(second, VARIANT, new EpochMetrics(1, 0.7, 0.75, 0.8, 7000, 12)));

        assertThat(registry.get(TrainingMetrics.EXAMPLES_PER_SECOND).tag("device", "cuda:0").gauge().value())
                .isEqualTo(9000);
        assertThat(registry.get(TrainingMetrics.EXAMPLES_PER_SECOND).tag("device", "cuda:1").gauge().value())
                .isEqualTo(7000);
        assertThat(registry.get(TrainingMetrics.JOB_EPOCH).tag("device", "cuda:1").gauge().getId().getTag("job_id"))
                .isEqualTo(second.toString());
    }

    private List<Meter> perJobGauges(UUID id) {
        return registry.getMeters().stream()
                .filter(meter -> PER_JOB.contains(meter.getId().getName()))
                .filter(meter -> id.toString().equals(meter.getId().getTag("job_id")))
                .toList();
    }

    private double gauge(String name, UUID id) {
        return registry.get(name).tag("job_id", id.toString()).gauge().value();
    }

    private double finished(Variant variant, String state) {
        return registry.get(TrainingMetrics.FINISHED).tag("variant", variant.id()).tag("state", state).counter().count();
    }

    private Timer jobDuration(Variant variant, String state) {
        return registry.get(TrainingMetrics.JOB_DURATION).tag("variant", variant.id()).tag("state", state).timer();
    }

    /** The cumulative count of the histogram bucket with upper bound {@code le}. */
    private static double bucket(Timer timer, Duration le) {
        double bound = le.toNanos();
        return Arrays.stream(timer.takeSnapshot().histogramCounts())
                .filter(bucket -> bucket.bucket() == bound)
                .mapToDouble(CountAtBucket::count)
                .findFirst().orElseThrow(() -> new AssertionError("no bucket " + le));
    }
}
