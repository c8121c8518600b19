package com.trainingservice.training;

import java.util.List;

/**
 * What ND4J computes with, in plain types for health, info and logs.
 *
 * @param backend     "CPU" or "CUDA", as ND4J names it
 * @param blasVendor  the BLAS library ND4J calls (OPENBLAS, MKL, CUBLAS, ...)
 * @param ompThreads  OpenMP threads of ND4J's own ops
 * @param blasThreads threads of the BLAS library
 * @param cores       CPU cores ND4J sees
 * @param devices     devices ND4J spreads work over (1 on the CPU backend, the GPUs on CUDA)
 * @param cpuFeatures the SIMD features of this CPU that matter to ND4J's and OpenBLAS's kernels, from
 *                    /proc/cpuinfo; empty when it cannot be read
 */
public record BackendInfo(String backend, String blasVendor, int ompThreads, int blasThreads, int cores,
                          int devices, List<String> cpuFeatures) {

    public BackendInfo {
        cpuFeatures = List.copyOf(cpuFeatures);
    }
}
