package com.trainingservice.job;

import com.trainingservice.training.Variant;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes the job lifecycle records ({@link JobSubmitted}, {@link JobStarted}, ...) for other features
 * (metrics) on the instance where they happen. Listeners run in the publishing thread; whatever one of them
 * does wrong is logged and never reaches the job.
 */
final class LifecycleEvents {

    private static final Logger log = LoggerFactory.getLogger(LifecycleEvents.class);

    private final ApplicationEventPublisher publisher;

    LifecycleEvents(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    void publish(Object event) {
        try {
            publisher.publishEvent(event);
        } catch (RuntimeException e) {
            // during shutdown the listeners may already be gone
            log.warn("could not publish {}: {}", event, e.toString());
        }
    }

    /** {@link JobEnded} of a job that has just reached its terminal state. */
    void ended(UUID id, Variant variant, JobState state, Duration runTime) {
        publish(new JobEnded(id, variant, state, runTime));
    }
}
