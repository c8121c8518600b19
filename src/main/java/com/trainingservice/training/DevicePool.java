package com.trainingservice.training;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Hands each training run a device and binds the run's thread to it. GPUs are exclusive: a GPU leased to one run is
 * given to no other until that run closes its lease, so two jobs never share a GPU. The CPU is shared (every job
 * already uses all cores; more worker slots on the CPU are the operator's choice).
 *
 * <pre>{@code
 * try (DeviceLease lease = devices.acquire(observer::isCancellationRequested)) {
 *     ... train on lease.device() ...
 * }
 * }</pre>
 */
public final class DevicePool {

    private static final long WAIT_SLICE_MILLIS = 100;

    private final BackendStatus status;
    private final Consumer<ComputeDevice> binder;
    private final BlockingQueue<ComputeDevice> freeGpus;

    /** @param binder binds the calling thread to a device ({@link ComputeBackend#bind}) */
    public DevicePool(BackendStatus status, Consumer<ComputeDevice> binder) {
        this.status = Objects.requireNonNull(status, "status");
        this.binder = Objects.requireNonNull(binder, "binder");
        this.freeGpus = new LinkedBlockingQueue<>(status.onGpus() ? status.usable() : List.of());
    }

    /** The CPU, unchecked and unbound: for trainers made outside the application (tests, tools). */
    public static DevicePool sharedCpu() {
        return new DevicePool(BackendStatus.cpuUnchecked(), device -> { });
    }

    /**
     * A device for the calling thread, bound to it. On GPUs this waits until one is free.
     *
     * @param cancelled asked while waiting: the run stops waiting once it answers true
     * @throws TrainingFailedException at once when no device can train (the start-up check's reason)
     * @throws TrainingCancelledException when cancelled while waiting for a GPU
     */
    public DeviceLease acquire(BooleanSupplier cancelled) {
        if (!status.ready()) {
            throw new TrainingFailedException("no device to train on: " + status.problem());
        }
        if (!status.onGpus()) {
            ComputeDevice cpu = status.usable().get(0);
            binder.accept(cpu);
            return new DeviceLease(cpu, () -> { });
        }
        ComputeDevice gpu = takeGpu(cancelled);
        try {
            binder.accept(gpu);
        } catch (RuntimeException | Error e) {
            freeGpus.add(gpu);
            throw e;
        }
        return new DeviceLease(gpu, () -> freeGpus.add(gpu));
    }

    private ComputeDevice takeGpu(BooleanSupplier cancelled) {
        try {
            while (true) {
                if (cancelled.getAsBoolean()) {
                    throw new TrainingCancelledException(1);
                }
                ComputeDevice gpu = freeGpus.poll(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS);
                if (gpu != null) {
                    return gpu;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingCancelledException(1);
        }
    }

    /** Worker slots for the configured value ({@link WorkerSlots#AUTO}: one per GPU, one on the CPU). */
    public int workerSlots(int configured) {
        return WorkerSlots.resolve(configured, status);
    }

    public BackendStatus status() {
        return status;
    }

    /** GPUs not leased now (0 on the CPU). */
    public int freeGpus() {
        return freeGpus.size();
    }
}
