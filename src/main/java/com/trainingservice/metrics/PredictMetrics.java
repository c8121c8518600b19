package com.trainingservice.metrics;

import com.trainingservice.inference.PredictionRejected;
import com.trainingservice.inference.PredictionServed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.context.event.EventListener;

/** Predict meters, fed by the predict outcomes; every input and reason is registered at once with 0. */
class PredictMetrics {

    static final String REQUESTS = "predict.requests";
    static final String INSTANCES = "predict.instances";
    static final String LATENCY = "predict.latency";
    static final String ERRORS = "predict.errors";

    /** A predict takes milliseconds; a cold model (loaded from its zip first) up to about a second. */
    private static final Duration[] LATENCY_BUCKETS = {millis(1), millis(2), millis(5), millis(10), millis(20),
            millis(50), millis(100), millis(250), millis(500), millis(1000)};

    private final MeterRegistry registry;
    private final Counter instances;
    private final Timer latency;

    PredictMetrics(MeterRegistry registry) {
        this.registry = registry;
        PredictionServed.INPUTS.forEach(this::requests);
        PredictionRejected.REASONS.forEach(this::errors);
        this.instances = Counter.builder(INSTANCES).description("instances and images predicted").register(registry);
        this.latency = Timer.builder(LATENCY).serviceLevelObjectives(LATENCY_BUCKETS)
                .description("time of an answered predict call: decoding, preprocessing, the network")
                .register(registry);
    }

    @EventListener
    void served(PredictionServed event) {
        requests(event.input()).increment();
        instances.increment(event.instances());
        latency.record(event.latency());
    }

    @EventListener
    void rejected(PredictionRejected event) {
        errors(event.reason()).increment();
    }

    private Counter requests(String input) {
        return Counter.builder(REQUESTS).tag("input", input)
                .description("predict requests answered with predictions, by how the data came in").register(registry);
    }

    private Counter errors(String reason) {
        return Counter.builder(ERRORS).tag("reason", reason)
                .description("predict requests answered with an error, by reason").register(registry);
    }

    private static Duration millis(long millis) {
        return Duration.ofMillis(millis);
    }
}
