package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent event streams of jobs: an {@code epoch} event per finished epoch, a {@code state}
 * event per state change and a {@code device} event once a run holds its device (again if a resumed
 * run trains on another); a stream ends when its job does. A new subscriber first gets the device (once
 * known), the epochs so far and the current state. Streams follow the store, not this instance's workers, so a client
 * connected to any instance follows a job wherever it runs (within the poll interval).
 */
class JobEvents implements AutoCloseable {

    static final String EPOCH = "epoch";
    static final String STATE = "state";
    static final String DEVICE = "device";

    /** The payload of a {@code device} event. */
    record DeviceAssigned(String device) {
    }

    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);

    private final JobStore store;
    private final Map<UUID, Set<Subscription>> streams = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "job-events");
        thread.setDaemon(true);
        return thread;
    });

    JobEvents(JobStore store, Duration pollInterval, Duration keepAliveInterval) {
        this.store = store;
        long keepAlive = keepAliveInterval.toMillis();
        long poll = pollInterval.toMillis();
        timer.scheduleWithFixedDelay(this::sendKeepAlive, keepAlive, keepAlive, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::poll, poll, poll, TimeUnit.MILLISECONDS);
    }

    SseEmitter subscribe(UUID jobId) {
        Subscription subscription = new Subscription(jobId, new SseEmitter(0L));
        Set<Subscription> subscribers = streams.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet());
        subscribers.add(subscription);
        Runnable unsubscribe = () -> subscribers.remove(subscription);
        subscription.emitter.onCompletion(unsubscribe);
        subscription.emitter.onTimeout(unsubscribe);
        subscription.emitter.onError(error -> unsubscribe.run());
        Set<Subscription> first = ConcurrentHashMap.newKeySet();
        first.add(subscription);
        update(jobId, first);
        if (first.isEmpty()) {
            subscribers.remove(subscription);
        }
        return subscription.emitter;
    }

    /** How many clients follow a job now; a client that went away is no longer counted. */
    int subscribers(UUID jobId) {
        Set<Subscription> subscribers = streams.get(jobId);
        return subscribers == null ? 0 : subscribers.size();
    }

    private void poll() {
        streams.forEach((jobId, subscribers) -> {
            try {
                update(jobId, subscribers);
            } catch (RuntimeException e) {
                log.warn("could not update the event streams of job {}: {}", jobId, e.toString());
            }
            if (subscribers.isEmpty()) {
                streams.remove(jobId, subscribers);
            }
        });
    }

    private void update(UUID jobId, Set<Subscription> subscribers) {
        Optional<Job> found = store.find(jobId);
        if (found.isEmpty()) {
            subscribers.forEach(subscription -> subscription.emitter.complete());
            subscribers.clear();
            return;
        }
        Job job = found.get();
        List<EpochMetrics> epochs = subscribers.stream().anyMatch(s -> s.epochsSent < job.epochsDone())
                ? store.epochs(jobId) : List.of();
        subscribers.removeIf(subscription -> !subscription.deliver(job, epochs));
    }

    private void sendKeepAlive() {
        streams.values().forEach(subscribers -> subscribers.removeIf(subscription -> {
            try {
                subscription.emitter.send(SseEmitter.event().comment("keep-alive"));
                return false;
            } catch (IOException | IllegalStateException gone) {
                return true;
            }
        }));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        streams.values().forEach(subscribers -> subscribers.forEach(subscription -> subscription.emitter.complete()));
        streams.clear();
    }

    /** One client's stream and what it has been sent. */
    private static final class Subscription {

        private final UUID jobId;
        private final SseEmitter emitter;
        private int epochsSent;
        private JobState stateSent;
        private String deviceSent;

        Subscription(UUID jobId, SseEmitter emitter) {
            this.jobId = jobId;
            this.emitter = emitter;
        }

        /** Sends what is new; false when the stream is over (the job ended, or the client went away). */
        synchronized boolean deliver(Job job, List<EpochMetrics> epochs) {
            if (job.device() != null && !job.device().equals(deviceSent)) {
                if (!send(DEVICE, new DeviceAssigned(job.device()))) {
                    return false;
                }
                deviceSent = job.device();
            }
            for (EpochMetrics epoch : epochs) {
                if (epoch.epoch() > epochsSent) {
                    if (!send(EPOCH, epoch)) {
                        return false;
                    }
                    epochsSent = epoch.epoch();
                }
            }
            if (job.state() != stateSent) {
                if (!send(STATE, job.view())) {
                    return false;
                }
                stateSent = job.state();
            }
            if (job.state().isTerminal()) {
                emitter.complete();
                return false;
            }
            return true;
        }

        private boolean send(String name, Object payload) {
            try {
                emitter.send(SseEmitter.event().name(name).data(payload, MediaType.APPLICATION_JSON));
                return true;
            } catch (IOException | IllegalStateException gone) {
                emitter.completeWithError(gone);
                return false;
            }
        }

        @Override
        public String toString() {
            return "subscription to job " + jobId;
        }
    }
}
