package com.trainingservice.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code nd4j}: UP with the backend (CPU or CUDA), BLAS vendor, threads and devices once ND4J
 * is initialised (the first check initialises it, once); DOWN with the error when its natives cannot be loaded.
 */
@Component("nd4jHealthIndicator")
public class Nd4jHealthIndicator implements HealthIndicator {

    private final BackendInfoProvider backend;

    public Nd4jHealthIndicator(BackendInfoProvider backend) {
        this.backend = backend;
    }

    @Override
    public Health health() {
        BackendInfo info;
        try {
            info = backend.get();
        } catch (RuntimeException e) {
            return Health.down(e).build();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backend", info.backend());
        details.put("blasVendor", info.blasVendor());
        details.put("ompThreads", info.ompThreads());
        details.put("blasThreads", info.blasThreads());
        details.put("cores", info.cores());
        details.put("devices", info.devices());
        return Health.up().withDetails(details).build();
    }
}
