package com.trainingservice.training;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Decides at start-up what jobs train on: ND4J's backend, the devices that really run the network, and whether a
 * GPU backend that could not be used may give way to the CPU. Whatever goes wrong ends in a {@link BackendStatus}
 * with the reason, never in a job that hangs: a self-test that does not finish in time counts as failed.
 */
final class BackendCheck {

    static final String FALLBACK_SETTING = "training-service.devices.cpu-fallback";

    private final ComputeBackend backend;
    private final DeviceProperties properties;

    BackendCheck(ComputeBackend backend, DeviceProperties properties) {
        this.backend = backend;
        this.properties = properties;
    }

    BackendStatus run() {
        boolean gpuPackaged = backend.gpuBackendPackaged();
        // before ND4J tries: a second attempt to load CUDA fails with a less telling error than the first
        String gpuProblem = gpuPackaged ? backend.gpuBackendProblem() : null;
        BackendInfo info;
        try {
            info = backend.describe();
        } catch (RuntimeException | LinkageError e) {
            String problem = "ND4J could not be initialised: " + Nd4jComputeBackend.explain(e);
            if (gpuPackaged) {
                problem += "; the CUDA backend: " + (gpuProblem != null ? gpuProblem : "could be loaded");
            }
            return BackendStatus.down(null, Map.of(), problem);
        }
        String fallback = null;
        if (!info.isGpu() && gpuPackaged) {
            String why = gpuProblem != null ? gpuProblem
                    : "it could be loaded, but ND4J preferred the CPU (see BACKEND_PRIORITY_CPU and BACKEND_PRIORITY_GPU)";
            if (!properties.cpuFallback()) {
                return BackendStatus.down(info, Map.of(), "the CUDA backend could not be used (" + why
                        + "); ND4J chose the " + info.backend() + " instead, which " + FALLBACK_SETTING
                        + "=false forbids");
            }
            fallback = "the CUDA backend could not be used (" + why + "); training on the " + info.backend()
                    + " because " + FALLBACK_SETTING + "=true";
        }
        List<ComputeDevice> usable = new ArrayList<>();
        Map<String, String> unusable = new LinkedHashMap<>();
        for (ComputeDevice device : info.computeDevices()) {
            String failure = properties.selfTest() ? selfTest(device) : null;
            if (failure == null) {
                usable.add(device);
            } else {
                unusable.put(device.id(), failure);
            }
        }
        if (usable.isEmpty()) {
            return BackendStatus.down(info, unusable, "no device can run the network: " + describe(info, unusable)
                    + (info.isGpu() ? " (see docs/gpu.md: which GPUs the ND4J build has code for)" : ""));
        }
        return new BackendStatus(info, usable, unusable, fallback, null);
    }

    /** Null when the device passed; otherwise why not. In a thread of its own: a kernel that hangs cannot stall start-up. */
    private String selfTest(ComputeDevice device) {
        FutureTask<Void> test = new FutureTask<>(() -> {
            backend.selfTest(device);
            return null;
        });
        Thread thread = new Thread(test, "device-self-test-" + device.id());
        thread.setDaemon(true);
        thread.start();
        Duration timeout = properties.selfTestTimeout();
        try {
            test.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return Nd4jComputeBackend.rootCause(e.getCause());
        } catch (TimeoutException e) {
            test.cancel(true);
            return "the self-test did not finish within " + timeout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted during the self-test";
        }
    }

    private static String describe(BackendInfo info, Map<String, String> unusable) {
        List<String> parts = new ArrayList<>();
        for (ComputeDevice device : info.computeDevices()) {
            parts.add(device.describe() + ": " + unusable.get(device.id()));
        }
        return String.join("; ", parts);
    }
}
