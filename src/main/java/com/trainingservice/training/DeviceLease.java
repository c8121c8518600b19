package com.trainingservice.training;

import java.util.concurrent.atomic.AtomicBoolean;

/** A device held by one training run; closing gives it back (once, however often it is closed). */
public final class DeviceLease implements AutoCloseable {

    private final ComputeDevice device;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    DeviceLease(ComputeDevice device, Runnable release) {
        this.device = device;
        this.release = release;
    }

    public ComputeDevice device() {
        return device;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
