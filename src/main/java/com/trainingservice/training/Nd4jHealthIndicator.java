package com.trainingservice.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code nd4j}: UP with the backend (CPU or CUDA), BLAS vendor, threads and devices once ND4J is
 * initialised and at least one device passed the start-up self-test; DOWN with the reason when its natives cannot
 * be loaded, when the CUDA backend could not be used and falling back to the CPU is not allowed, or when no device
 * can run the network.
 */
@Component("nd4jHealthIndicator")
public class Nd4jHealthIndicator implements HealthIndicator {

    private final BackendInfoProvider backend;

    public Nd4jHealthIndicator(BackendInfoProvider backend) {
        this.backend = backend;
    }

    @Override
    public Health health() {
        BackendStatus status = backend.status();
        Map<String, Object> details = new LinkedHashMap<>();
        BackendInfo info = status.info();
        if (info != null) {
            details.put("backend", info.backend());
            details.put("blasVendor", info.blasVendor());
            details.put("ompThreads", info.ompThreads());
            details.put("blasThreads", info.blasThreads());
            details.put("cores", info.cores());
            details.put("devices", info.devices());
            details.put("computeDevices", info.computeDevices().stream().map(ComputeDevice::details).toList());
        }
        details.put("trainingDevices", status.usable().stream().map(ComputeDevice::id).toList());
        if (!status.unusable().isEmpty()) {
            details.put("unusableDevices", status.unusable());
        }
        if (status.fallback() != null) {
            details.put("fallback", status.fallback());
        }
        if (!status.ready()) {
            details.put("error", status.problem());
            return Health.down().withDetails(details).build();
        }
        return Health.up().withDetails(details).build();
    }
}
