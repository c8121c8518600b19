package com.trainingservice.inference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/** Publishes predict outcomes for other features (metrics); a failing listener never fails the request. */
final class PredictEvents {

    private static final Logger log = LoggerFactory.getLogger(PredictEvents.class);

    private PredictEvents() {
    }

    static void publish(ApplicationEventPublisher publisher, Object event) {
        try {
            publisher.publishEvent(event);
        } catch (RuntimeException e) {
            log.warn("could not publish {}: {}", event, e.toString());
        }
    }
}
