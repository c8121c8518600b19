package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent event streams of jobs: an {@code epoch} event per finished epoch, a {@code state}
 * event per state change and a {@code device} event once the run holds its device; a stream ends
 * when its job does. A new subscriber first gets the device (once known), the epochs so far and the
 * current state. Callers hold the job's monitor while they publish, so a subscriber never misses or
 * repeats an event.
 */
class JobEvents implements AutoCloseable {

    static final String EPOCH = "epoch";
    static final String STATE = "state";
    static final String DEVICE = "device";

    /** The payload of a {@code device} event. */
    record DeviceAssigned(String device) {
    }

    private final Map<UUID, Set<SseEmitter>> streams = new ConcurrentHashMap<>();
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "job-events-keep-alive");
        thread.setDaemon(true);
        return thread;
    });

    JobEvents(Duration keepAliveInterval) {
        long millis = keepAliveInterval.toMillis();
        keepAlive.scheduleAtFixedRate(this::sendKeepAlive, millis, millis, TimeUnit.MILLISECONDS);
    }

    SseEmitter subscribe(Job job) {
        SseEmitter emitter = new SseEmitter(0L);
        synchronized (job) {
            String device = job.view().device();
            if (device != null && !send(emitter, DEVICE, new DeviceAssigned(device))) {
                return emitter;
            }
            for (EpochMetrics epoch : job.epochs()) {
                if (!send(emitter, EPOCH, epoch)) {
                    return emitter;
                }
            }
            if (!send(emitter, STATE, job.view())) {
                return emitter;
            }
            if (job.state().isTerminal()) {
                emitter.complete();
                return emitter;
            }
            Set<SseEmitter> subscribers = streams.computeIfAbsent(job.id(), id -> ConcurrentHashMap.newKeySet());
            subscribers.add(emitter);
            Runnable unsubscribe = () -> subscribers.remove(emitter);
            emitter.onCompletion(unsubscribe);
            emitter.onTimeout(unsubscribe);
            emitter.onError(error -> unsubscribe.run());
        }
        return emitter;
    }

    void epochFinished(Job job, EpochMetrics metrics) {
        publish(job.id(), EPOCH, metrics);
    }

    void deviceAssigned(Job job, String device) {
        publish(job.id(), DEVICE, new DeviceAssigned(device));
    }

    void stateChanged(Job job) {
        JobView view = job.view();
        publish(job.id(), STATE, view);
        if (view.state().isTerminal()) {
            Set<SseEmitter> subscribers = streams.remove(job.id());
            if (subscribers != null) {
                subscribers.forEach(SseEmitter::complete);
            }
        }
    }

    /** How many clients follow a job now; a client that went away is no longer counted. */
    int subscribers(UUID jobId) {
        Set<SseEmitter> subscribers = streams.get(jobId);
        return subscribers == null ? 0 : subscribers.size();
    }

    private void publish(UUID jobId, String name, Object payload) {
        Set<SseEmitter> subscribers = streams.get(jobId);
        if (subscribers != null) {
            subscribers.removeIf(emitter -> !send(emitter, name, payload));
        }
    }

    private void sendKeepAlive() {
        streams.values().forEach(subscribers -> subscribers.removeIf(emitter -> {
            try {
                emitter.send(SseEmitter.event().comment("keep-alive"));
                return false;
            } catch (IOException | IllegalStateException gone) {
                return true;
            }
        }));
    }

    /** False when the client has gone away. */
    private static boolean send(SseEmitter emitter, String name, Object payload) {
        try {
            emitter.send(SseEmitter.event().name(name).data(payload, MediaType.APPLICATION_JSON));
            return true;
        } catch (IOException | IllegalStateException gone) {
            emitter.completeWithError(gone);
            return false;
        }
    }

    @Override
    public void close() {
        keepAlive.shutdownNow();
        streams.values().forEach(subscribers -> subscribers.forEach(SseEmitter::complete));
        streams.clear();
    }
}
