package com.trainingservice.metrics;

import com.trainingservice.job.JobAttemptEnded;
import com.trainingservice.job.JobEnded;
import com.trainingservice.job.JobEpochFinished;
import com.trainingservice.job.JobProgressed;
import com.trainingservice.job.JobStarted;
import com.trainingservice.job.JobState;
import com.trainingservice.job.JobSubmitted;
import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.Variant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;
import org.springframework.context.event.EventListener;

/**
 * Training meters, fed by the job lifecycle records. Counters and timers for every variant (and terminal
 * state) are registered at once with 0, so dashboards have series before the first job; the per-job gauges
 * exist only while their job runs, so the number of series stays bounded. The per-job gauges and the examples per
 * second carry the {@code device} the job trains on ("cpu", "cuda:0", ...).
 */
class TrainingMetrics {

    static final String SUBMITTED = "training.jobs.submitted";
    static final String FINISHED = "training.jobs.finished";
    static final String QUEUED = "training.jobs.queued";
    static final String RUNNING = "training.jobs.running";
    static final String JOB_DURATION = "training.job.duration";
    static final String EPOCH_DURATION = "training.epoch.duration";
    static final String EXAMPLES = "training.examples";
    static final String EXAMPLES_PER_SECOND = "training.examples.per.second";
    static final String JOB_EPOCH = "training.job.epoch";
    static final String JOB_LOSS = "training.job.loss";
    static final String JOB_TRAIN_ACCURACY = "training.job.train.accuracy";
    static final String JOB_TEST_ACCURACY = "training.job.test.accuracy";

    /** The device of a job whose start was not seen. */
    static final String UNKNOWN_DEVICE = "unknown";

    static final List<JobState> TERMINAL = Arrays.stream(JobState.values()).filter(JobState::isTerminal).toList();

    /** Jobs take minutes to hours. */
    private static final Duration[] JOB_BUCKETS = {seconds(10), seconds(30), minutes(1), minutes(2), minutes(5),
            minutes(10), minutes(20), minutes(30), hours(1), hours(2), hours(4), hours(8)};
    /** Epochs take seconds (a small subset) to an hour (the scratch layer, the full set, a large batch). */
    private static final Duration[] EPOCH_BUCKETS = {seconds(5), seconds(10), seconds(20), seconds(30), minutes(1),
            minutes(2), minutes(5), minutes(10), minutes(20), minutes(30), hours(1)};

    private final MeterRegistry registry;
    private final Map<UUID, RunningJob> running = new ConcurrentHashMap<>();
    private final Map<VariantOnDevice, Value> examplesPerSecond = new ConcurrentHashMap<>();

    TrainingMetrics(MeterRegistry registry, IntSupplier queueLength, IntSupplier runningJobs) {
        this.registry = registry;
        Gauge.builder(QUEUED, queueLength, IntSupplier::getAsInt).strongReference(true)
                .description("jobs waiting for a worker slot").register(registry);
        Gauge.builder(RUNNING, runningJobs, IntSupplier::getAsInt).strongReference(true)
                .description("jobs training now").register(registry);
        for (Variant variant : Variant.values()) {
            submitted(variant);
            examples(variant);
            epochDuration(variant);
            for (JobState state : TERMINAL) {
                finished(variant, state);
                jobDuration(variant, state);
            }
        }
    }

    @EventListener
    void submitted(JobSubmitted event) {
        submitted(event.variant()).increment();
    }

    @EventListener
    void started(JobStarted event) {
        job(event.jobId(), event.variant(), event.device());
    }

    @EventListener
    void progressed(JobProgressed event) {
        examples(event.variant()).increment(event.examples());
    }

    @EventListener
    void epochFinished(JobEpochFinished event) {
        EpochMetrics metrics = event.metrics();
        epochDuration(event.variant()).record(Duration.ofNanos(Math.round(metrics.seconds() * 1e9)));
        // registered at start; a job whose start was not seen gets its gauges here
        RunningJob job = job(event.jobId(), event.variant(), UNKNOWN_DEVICE);
        examplesPerSecond.computeIfAbsent(new VariantOnDevice(event.variant(), job.device), key -> {
            Value value = new Value(Double.NaN);
            Gauge.builder(EXAMPLES_PER_SECOND, value, Value::get).strongReference(true)
                    .tags("variant", key.variant().id(), "device", key.device())
                    .description("training examples per second in the last finished epoch of the variant on the device")
                    .register(registry);
            return value;
        }).set(metrics.examplesPerSecond());
        job.update(metrics);
    }

    @EventListener
    void ended(JobEnded event) {
        finished(event.variant(), event.state()).increment();
        if (event.runTime() != null) {
            jobDuration(event.variant(), event.state()).record(event.runTime());
        }
    }

    /** The job's gauges go with its run on this instance, whether the job ended or goes on elsewhere. */
    @EventListener
    void attemptEnded(JobAttemptEnded event) {
        RunningJob job = running.remove(event.jobId());
        if (job != null) {
            job.meters.forEach(registry::remove);
        }
    }

    private Counter submitted(Variant variant) {
        return Counter.builder(SUBMITTED).tag("variant", variant.id())
                .description("jobs accepted into the queue").register(registry);
    }

    private Counter finished(Variant variant, JobState state) {
        return Counter.builder(FINISHED).tags("variant", variant.id(), "state", state.name())
                .description("jobs that ended, by terminal state").register(registry);
    }

    private Counter examples(Variant variant) {
        return Counter.builder(EXAMPLES).tag("variant", variant.id())
                .description("training examples processed (rate: examples per second)").register(registry);
    }

    private Timer jobDuration(Variant variant, JobState state) {
        return Timer.builder(JOB_DURATION).tags("variant", variant.id(), "state", state.name())
                .serviceLevelObjectives(JOB_BUCKETS)
                .description("run time of jobs that ran, from start to end").register(registry);
    }

    private Timer epochDuration(Variant variant) {
        return Timer.builder(EPOCH_DURATION).tag("variant", variant.id())
                .serviceLevelObjectives(EPOCH_BUCKETS)
                .description("wall time of an epoch, evaluation included").register(registry);
    }

    private RunningJob job(UUID id, Variant variant, String device) {
        return running.computeIfAbsent(id, key -> new RunningJob(registry, id, variant, device));
    }

    private record VariantOnDevice(Variant variant, String device) {
    }

    /** The gauges of one running job and the values behind them. */
    private static final class RunningJob {

        private volatile double epoch;
        private volatile double loss = Double.NaN;
        private volatile double trainAccuracy = Double.NaN;
        private volatile double testAccuracy = Double.NaN;
        private final String device;
        private final List<Meter> meters;

        RunningJob(MeterRegistry registry, UUID id, Variant variant, String device) {
            this.device = device;
            Tags tags = Tags.of("job_id", id.toString(), "variant", variant.id(), "device", device);
            meters = List.of(
                    gauge(registry, JOB_EPOCH, tags, job -> job.epoch, "epochs the running job has finished"),
                    gauge(registry, JOB_LOSS, tags, job -> job.loss, "training loss of the job's last epoch"),
                    gauge(registry, JOB_TRAIN_ACCURACY, tags, job -> job.trainAccuracy,
                            "training accuracy of the job's last epoch"),
                    gauge(registry, JOB_TEST_ACCURACY, tags, job -> job.testAccuracy,
                            "test accuracy of the job's last epoch"));
        }

        private Gauge gauge(MeterRegistry registry, String name, Tags tags, ToDoubleFunction<RunningJob> value,
                            String description) {
            return Gauge.builder(name, this, value).tags(tags).strongReference(true).description(description)
                    .register(registry);
        }

        void update(EpochMetrics metrics) {
            loss = metrics.loss();
            trainAccuracy = metrics.trainAccuracy();
            testAccuracy = metrics.testAccuracy();
            epoch = metrics.epoch();
        }
    }

    /** A gauge's value. */
    static final class Value {

        private volatile double value;

        Value(double value) {
            this.value = value;
        }

        double get() {
            return value;
        }

        void set(double value) {
            this.value = value;
        }
    }

    private static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private static Duration minutes(long minutes) {
        return Duration.ofMinutes(minutes);
    }

    private static Duration hours(long hours) {
        return Duration.ofHours(hours);
    }
}
