package com.trainingservice.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One device ND4J computes on, named the way jobs, metrics and logs show it.
 *
 * @param id                "cpu", or "cuda:" and ND4J's device number ("cuda:0", "cuda:1", ...)
 * @param index             ND4J's device number (0 on the CPU)
 * @param name              what the driver calls it ("NVIDIA A100-SXM4-40GB"); "CPU" for the CPU
 * @param computeCapability the GPU's compute capability ("8.6"); null for the CPU or when ND4J does not say
 * @param memoryBytes       the GPU's memory; 0 for the CPU or when ND4J does not say
 */
public record ComputeDevice(String id, int index, String name, String computeCapability, long memoryBytes) {

    public static final String CPU_ID = "cpu";

    public ComputeDevice {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }

    public static ComputeDevice cpu() {
        return new ComputeDevice(CPU_ID, 0, "CPU", null, 0);
    }

    public static ComputeDevice cuda(int index, String name, String computeCapability, long memoryBytes) {
        return new ComputeDevice("cuda:" + index, index, name, computeCapability, memoryBytes);
    }

    public boolean isGpu() {
        return !CPU_ID.equals(id);
    }

    /** For logs and health: "cuda:0 (NVIDIA A100, compute capability 8.0, 40 GiB)". */
    public String describe() {
        if (!isGpu()) {
            return id;
        }
        StringBuilder text = new StringBuilder(id).append(" (").append(name);
        if (computeCapability != null) {
            text.append(", compute capability ").append(computeCapability);
        }
        if (memoryBytes > 0) {
            text.append(", ").append(Math.round(memoryBytes / (double) (1L << 30))).append(" GiB");
        }
        return text.append(')').toString();
    }

    /** As plain values for health and info: id, name, and on GPUs the compute capability and memory when known. */
    public Map<String, Object> details() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", id);
        values.put("name", name);
        if (computeCapability != null) {
            values.put("computeCapability", computeCapability);
        }
        if (memoryBytes > 0) {
            values.put("memoryBytes", memoryBytes);
        }
        return values;
    }
}
