package com.trainingservice.training;

/**
 * How many jobs train at once. {@link #AUTO} (the default): one per usable GPU on CUDA, each bound to its own GPU;
 * one on the CPU, where a job already uses every core.
 */
public final class WorkerSlots {

    /** {@code training-service.jobs.worker-slots: 0}. */
    public static final int AUTO = 0;

    private WorkerSlots() {
    }

    /**
     * @param configured the setting: {@link #AUTO}, or a number, taken as it is (on GPUs, runs beyond the number of
     *                   GPUs wait for a free one)
     */
    public static int resolve(int configured, BackendStatus status) {
        if (configured < 0) {
            throw new IllegalArgumentException("worker slots must be 0 (auto) or more, not " + configured);
        }
        if (configured != AUTO) {
            return configured;
        }
        return status.onGpus() ? status.usable().size() : 1;
    }

    /** A warning for the log when the setting makes jobs wait for a GPU; null when there is nothing to say. */
    public static String warning(int configured, BackendStatus status) {
        int gpus = status.onGpus() ? status.usable().size() : 0;
        if (gpus > 0 && configured > gpus) {
            return configured + " worker slots but " + gpus + " usable GPUs: a job beyond " + gpus
                    + " shows RUNNING while it waits for a free GPU";
        }
        return null;
    }
}
