package com.trainingservice.training;

import java.util.List;
import java.util.Map;

/**
 * What the start-up check decided ({@link BackendCheck}): the devices jobs may train on, or why there are none.
 *
 * @param info     what ND4J computes with; null when it could not be initialised
 * @param usable   the devices that passed the self-test, in ND4J's order; empty when {@code problem} is set
 * @param unusable devices that failed the self-test: id to reason
 * @param fallback why the service trains on the CPU although the build carries a GPU backend (allowed by
 *                 {@code training-service.devices.cpu-fallback}); null otherwise
 * @param problem  why nothing can train (health DOWN, jobs FAILED at once with this reason); null when ready
 */
public record BackendStatus(BackendInfo info, List<ComputeDevice> usable, Map<String, String> unusable,
                            String fallback, String problem) {

    public BackendStatus {
        usable = List.copyOf(usable);
        unusable = Map.copyOf(unusable);
    }

    static BackendStatus down(BackendInfo info, Map<String, String> unusable, String problem) {
        return new BackendStatus(info, List.of(), unusable, null, problem);
    }

    /** The CPU, taken as it is: for trainers built without the start-up check (tests, tools). */
    public static BackendStatus cpuUnchecked() {
        return new BackendStatus(null, List.of(ComputeDevice.cpu()), Map.of(), null, null);
    }

    public boolean ready() {
        return problem == null;
    }

    /** Whether jobs train on GPUs, each on its own. */
    public boolean onGpus() {
        return ready() && usable.stream().anyMatch(ComputeDevice::isGpu);
    }
}
