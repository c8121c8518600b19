package com.trainingservice.job;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * The cluster-wide job queue, on db-scheduler: one execution of task {@code train-job} per queued or
 * running job, in the same database as the jobs. Instances pick due executions in submission order, keep
 * the ones they run alive with heartbeats, and revive the executions of an instance that stopped
 * heartbeating, so another instance resumes its jobs from their checkpoints.
 */
class JobQueue implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);

    static final String TRAIN_JOB = "train-job";
    static final String PURGE_CHECKPOINTS = "purge-checkpoints";

    private final Scheduler scheduler;
    private final JobRunner runner;
    private final Clock clock;
    private volatile boolean running;

    JobQueue(DataSource dataSource, JobRunner runner, JobStore store, JobProperties properties, Clock clock,
             String instance, ThreadFactory workerThreads) {
        this.runner = runner;
        this.clock = clock;
        Duration retryDelay = properties.retryDelay();
        CustomTask<Void> train = Tasks.custom(TRAIN_JOB, Void.class)
                // a run that throws (the store went away mid-run) is retried; the job's attempts bound the retries
                .onFailure(new FailureHandler.OnFailureRetryLater<>(retryDelay))
                // a job whose instance died keeps its place in the queue: due at once, ahead of later submissions
                .onDeadExecution((complete, operations) -> {
                    log.warn("job {}: its instance stopped heartbeating; another attempt resumes it from its checkpoint",
                            complete.getExecution().taskInstance.getId());
                    operations.reschedule(complete, complete.getExecution().executionTime);
                })
                .execute((instanceOfTask, context) -> switch (runner.run(UUID.fromString(instanceOfTask.getId()))) {
                    case DONE -> new CompletionHandler.OnCompleteRemove<>();
                    case AGAIN -> (complete, operations) ->
                            operations.reschedule(complete, complete.getExecution().executionTime);
                    case RETRY_LATER -> (complete, operations) ->
                            operations.reschedule(complete, clock.instant().plus(retryDelay));
                });
        Duration purgeEvery = properties.checkpointRetention().isZero()
                ? Duration.ofHours(1) : min(Duration.ofHours(1), properties.checkpointRetention());
        RecurringTask<Void> purge = Tasks.recurring(PURGE_CHECKPOINTS, FixedDelay.of(purgeEvery))
                .execute((instanceOfTask, context) -> {
                    Instant now = clock.instant();
                    int purged = store.deleteCheckpoints(now.minus(properties.checkpointRetention()),
                            now.minus(properties.unfinishedCheckpointRetention()));
                    if (purged > 0) {
                        log.info("deleted the checkpoints of {} ended jobs", purged);
                    }
                });
        ExecutorService workers = Executors.newFixedThreadPool(properties.workerSlots(), workerThreads);
        this.scheduler = Scheduler
                // joins the caller's transaction: a job row and its execution commit together
                .create(new TransactionAwareDataSourceProxy(dataSource), train)
                .startTasks(purge)
                .threads(properties.workerSlots())
                .executorService(workers)
                .schedulerName(new SchedulerName.Fixed(instance))
                .pollingInterval(properties.pollingInterval())
                .heartbeatInterval(properties.heartbeatInterval())
                .missedHeartbeatsLimit(properties.missedHeartbeats())
                .enableImmediateExecution()
                .shutdownMaxWait(properties.shutdownGracePeriod())
                .build();
    }

    /** Queues a job; in the caller's transaction when there is one. */
    void schedule(UUID jobId) {
        scheduler.scheduleIfNotExists(
                new com.github.kagkarlsson.scheduler.task.TaskInstance<Void>(TRAIN_JOB, jobId.toString()),
                clock.instant());
    }

    /** Takes a job that no instance has picked out of the queue; one that is running ends by its cancel flag. */
    void unschedule(UUID jobId) {
        try {
            scheduler.cancel(TaskInstanceId.of(TRAIN_JOB, jobId.toString()));
        } catch (RuntimeException notThereOrRunning) {
            log.debug("job {} not unscheduled: {}", jobId, notThereOrRunning.toString());
        }
    }

    @Override
    public void start() {
        scheduler.start();
        running = true;
    }

    /** Running jobs stop at their next minibatch and go back to the queue with their checkpoints. */
    @Override
    public void stop() {
        runner.stop();
        scheduler.stop();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
