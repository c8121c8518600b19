package com.trainingservice.training;

import java.util.List;
import java.util.stream.IntStream;

/**
 * What ND4J computes with, in plain types for health, info and logs.
 *
 * @param backend        "CPU" or "CUDA", as ND4J names it
 * @param blasVendor     the BLAS library ND4J calls (OPENBLAS, MKL, CUBLAS, ...)
 * @param ompThreads     OpenMP threads of ND4J's own ops
 * @param blasThreads    threads of the BLAS library
 * @param cores          CPU cores ND4J sees
 * @param devices        devices ND4J spreads work over (1 on the CPU backend, the GPUs on CUDA)
 * @param cpuFeatures    the SIMD features of this CPU that matter to ND4J's and OpenBLAS's kernels, from
 *                       /proc/cpuinfo; empty when it cannot be read
 * @param computeDevices the devices one by one: {@code cpu}, or {@code cuda:0}, {@code cuda:1}, ... with the GPUs'
 *                       names, compute capabilities and memory
 */
public record BackendInfo(String backend, String blasVendor, int ompThreads, int blasThreads, int cores,
                          int devices, List<String> cpuFeatures, List<ComputeDevice> computeDevices) {

    public static final String CPU = "CPU";
    public static final String CUDA = "CUDA";

    public BackendInfo {
        cpuFeatures = List.copyOf(cpuFeatures);
        computeDevices = List.copyOf(computeDevices);
    }

    /** Devices named by number only: {@code cpu} on the CPU, {@code cuda:0..devices-1} on CUDA. */
    public BackendInfo(String backend, String blasVendor, int ompThreads, int blasThreads, int cores, int devices,
                       List<String> cpuFeatures) {
        this(backend, blasVendor, ompThreads, blasThreads, cores, devices, cpuFeatures,
                CUDA.equalsIgnoreCase(backend)
                        ? IntStream.range(0, devices).mapToObj(i -> ComputeDevice.cuda(i, "GPU " + i, null, 0)).toList()
                        : List.of(ComputeDevice.cpu()));
    }

    public boolean isGpu() {
        return CUDA.equalsIgnoreCase(backend);
    }
}
