package com.trainingservice.training;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A backend for the device logic's tests: what ND4J would describe, whether the build "carries" a GPU backend and
 * why it cannot be used, and which devices fail their self-test; it records what it was asked.
 */
class FakeComputeBackend implements ComputeBackend {

    static final BackendInfo CPU = new BackendInfo(BackendInfo.CPU, "OPENBLAS", 4, 4, 4, 1, List.of("avx", "avx2"));

    private final Supplier<BackendInfo> describe;
    private boolean gpuPackaged;
    private String gpuProblem = "there is no CUDA backend in this build";
    private final Map<String, Runnable> selfTests = new ConcurrentHashMap<>();
    final AtomicInteger describeCalls = new AtomicInteger();
    /** describe and gpuBackendProblem, in the order they were asked. */
    final List<String> asked = new CopyOnWriteArrayList<>();
    final List<String> selfTested = new CopyOnWriteArrayList<>();
    /** "device@thread" of every bind, in order. */
    final List<String> bound = new CopyOnWriteArrayList<>();

    FakeComputeBackend(Supplier<BackendInfo> describe) {
        this.describe = describe;
    }

    static FakeComputeBackend of(BackendInfo info) {
        return new FakeComputeBackend(() -> info);
    }

    /** {@code n} GPUs of compute capability {@code cc}, as ND4J's CUDA backend describes them. */
    static BackendInfo cuda(int n, String cc) {
        List<ComputeDevice> gpus = java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> ComputeDevice.cuda(i, "NVIDIA Test GPU", cc, 16L << 30)).toList();
        return new BackendInfo(BackendInfo.CUDA, "CUBLAS", 4, 0, 16, n, List.of("avx2"), gpus);
    }

    /** The build carries the CUDA backend, which cannot be used for {@code problem} (null: it can). */
    FakeComputeBackend withGpuBackend(String problem) {
        gpuPackaged = true;
        gpuProblem = problem;
        return this;
    }

    /** The self-test on {@code device} does this (throw, hang, ...). */
    FakeComputeBackend selfTest(String device, Runnable behaviour) {
        selfTests.put(device, behaviour);
        return this;
    }

    @Override
    public BackendInfo describe() {
        describeCalls.incrementAndGet();
        asked.add("describe");
        return describe.get();
    }

    @Override
    public boolean gpuBackendPackaged() {
        return gpuPackaged;
    }

    @Override
    public String gpuBackendProblem() {
        asked.add("gpuBackendProblem");
        return gpuProblem;
    }

    @Override
    public void bind(ComputeDevice device) {
        bound.add(device.id() + "@" + Thread.currentThread().getName());
    }

    @Override
    public void selfTest(ComputeDevice device) {
        selfTested.add(device.id());
        selfTests.getOrDefault(device.id(), () -> { }).run();
    }
}
