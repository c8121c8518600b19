package com.trainingservice.training;

/**
 * The numeric backend as the device logic needs it: what it computes with, which devices, how a thread is bound to
 * one, and whether a device can really run the network. The application uses ND4J's ({@link Nd4jComputeBackend});
 * tests give fakes, so the decisions built on it are tested without a GPU.
 */
public interface ComputeBackend {

    /**
     * Initialises the backend (the first call) and says what it computes with.
     *
     * @throws RuntimeException or {@link LinkageError} when it cannot be initialised
     */
    BackendInfo describe();

    /** Whether this build carries a GPU backend (Maven profile {@code cuda}). */
    boolean gpuBackendPackaged();

    /**
     * Why the packaged GPU backend cannot be used (no device, no driver, a missing library), in its own words; null
     * when it can. Asked before {@link #describe()}: the first attempt to load CUDA is the one whose error explains.
     */
    String gpuBackendProblem();

    /** Makes the calling thread compute on {@code device} from now on; nothing to do on the CPU. */
    void bind(ComputeDevice device);

    /**
     * Binds the calling thread to {@code device} and runs the network's kernels there once (a matrix product checked
     * against its known answer, one training step of LeNet-BN).
     *
     * @throws RuntimeException or {@link LinkageError} when the device cannot (for example "no kernel image is
     *         available for execution on the device": the build has no code for this GPU)
     */
    void selfTest(ComputeDevice device);
}
