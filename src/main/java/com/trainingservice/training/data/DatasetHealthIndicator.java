package com.trainingservice.training.data;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code dataset}: UP once Fashion-MNIST is in memory, OUT_OF_SERVICE while it is not
 * (not asked for yet, or loading), DOWN with the error when the last load failed. Part of the readiness
 * group, not of liveness: a service without its data cannot train, but restarting it would not help.
 * Never loads anything itself.
 */
@Component("datasetHealthIndicator")
public class DatasetHealthIndicator implements HealthIndicator {

    private final FashionMnistProvider provider;

    public DatasetHealthIndicator(FashionMnistProvider provider) {
        this.provider = provider;
    }

    @Override
    public Health health() {
        FashionMnistProvider.Status status = provider.status();
        return switch (status.state()) {
            case LOADED -> {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("state", "loaded");
                details.put("train", status.data().train().count());
                details.put("test", status.data().test().count());
                if (status.source() != null) {
                    details.put("source", status.source().toString());
                }
                yield Health.up().withDetails(details).build();
            }
            case LOADING -> Health.outOfService().withDetail("state", "loading").build();
            case NOT_LOADED -> Health.outOfService().withDetail("state", "not loaded")
                    .withDetail("reason", provider.warmsUp() ? "the warm-up has not started yet"
                            : "warm-up is off (training-service.dataset.warm-up): the first job loads it")
                    .build();
            case FAILED -> Health.down().withDetail("state", "failed")
                    .withDetail("error", message(status.failure()))
                    .build();
        };
    }

    private static String message(RuntimeException e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
