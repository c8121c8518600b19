package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** What the service trains on, decided at start-up, with every failure the GPU path can have injected. */
class BackendCheckTest {

    private static final String NO_KERNEL = "no kernel image is available for execution on the device";

    private static BackendStatus check(FakeComputeBackend backend, DeviceProperties properties) {
        return new BackendCheck(backend, properties).run();
    }

    private static BackendStatus check(FakeComputeBackend backend) {
        return check(backend, TestDeviceProperties.defaults());
    }

    @Test
    void theCpuBuildTrainsOnTheCpuOnceItPassedTheSelfTest() {
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.CPU);

        BackendStatus status = check(backend);

        assertThat(status.ready()).isTrue();
        assertThat(status.onGpus()).isFalse();
        assertThat(status.usable()).containsExactly(ComputeDevice.cpu());
        assertThat(status.fallback()).isNull();
        assertThat(backend.selfTested).containsExactly("cpu");
    }

    @Test
    void nd4jThatCannotLoadIsTheReasonAndTheCpuBuildSaysNothingOfCuda() {
        FakeComputeBackend backend = new FakeComputeBackend(() -> {
            throw new UnsatisfiedLinkError("no jnind4jcpu in java.library.path");
        });

        BackendStatus status = check(backend);

        assertThat(status.ready()).isFalse();
        assertThat(status.info()).isNull();
        assertThat(status.problem()).startsWith("ND4J could not be initialised: java.lang.UnsatisfiedLinkError")
                .contains("no jnind4jcpu").doesNotContain("CUDA");
        assertThat(backend.selfTested).isEmpty();
    }

    @Test
    void aCudaOnlyBuildWhoseBackendCannotLoadSaysWhy() {
        FakeComputeBackend backend = new FakeComputeBackend(() -> {
            throw new IllegalStateException("Please ensure that you have an nd4j backend on your classpath");
        }).withGpuBackend("No CUDA devices were found in system");

        BackendStatus status = check(backend);

        assertThat(status.ready()).isFalse();
        assertThat(status.problem()).contains("ND4J could not be initialised")
                .contains("the CUDA backend: No CUDA devices were found in system");
        assertThat(backend.asked).as("CUDA's first failure is the telling one").containsExactly("gpuBackendProblem", "describe");
    }

    @Test
    void anErrorThatSaysNothingIsExplainedByItsRootCause() {
        FakeComputeBackend backend = new FakeComputeBackend(() -> {
            throw new ExceptionInInitializerError(new IllegalStateException("Please ensure that you have an nd4j backend"));
        });

        assertThat(check(backend).problem()).isEqualTo("ND4J could not be initialised: "
                + "java.lang.ExceptionInInitializerError (Please ensure that you have an nd4j backend)");
    }

    @Test
    void cudaThatNd4jSkippedForTheCpuIsDownUnlessFallingBackIsAllowed() {
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.CPU)
                .withGpuBackend("java.lang.UnsatisfiedLinkError: libcudnn.so.8: cannot open shared object file");

        BackendStatus refused = check(backend);

        assertThat(refused.ready()).isFalse();
        assertThat(refused.usable()).isEmpty();
        assertThat(refused.problem()).contains("libcudnn.so.8").contains("ND4J chose the CPU instead")
                .contains("training-service.devices.cpu-fallback=false");
        assertThat(backend.selfTested).as("nothing trains, nothing to test").isEmpty();
    }

    @Test
    void cudaThatNd4jSkippedGivesWayToTheCpuWhenConfigured() {
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.CPU)
                .withGpuBackend("No CUDA devices were found in system");

        BackendStatus status = check(backend, TestDeviceProperties.of(true, true, Duration.ofSeconds(10)));

        assertThat(status.ready()).isTrue();
        assertThat(status.usable()).containsExactly(ComputeDevice.cpu());
        assertThat(status.fallback()).contains("No CUDA devices were found in system")
                .contains("training on the CPU").contains("cpu-fallback=true");
    }

    @Test
    void everyGpuThatPassesTheSelfTestTrains() {
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.cuda(2, "8.0")).withGpuBackend(null);

        BackendStatus status = check(backend);

        assertThat(status.ready()).isTrue();
        assertThat(status.onGpus()).isTrue();
        assertThat(status.usable()).extracting(ComputeDevice::id).containsExactly("cuda:0", "cuda:1");
        assertThat(status.unusable()).isEmpty();
        assertThat(backend.selfTested).containsExactlyInAnyOrder("cuda:0", "cuda:1");
    }

    @Test
    void aGpuTheBuildHasNoCodeForIsLeftOutWithItsReason() {
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.cuda(2, "9.0")).withGpuBackend(null)
                .selfTest("cuda:1", () -> {
                    throw new RuntimeException("cudaErrorNoKernelImageForDevice", new RuntimeException(NO_KERNEL));
                });

        BackendStatus status = check(backend);

        assertThat(status.ready()).isTrue();
        assertThat(status.usable()).extracting(ComputeDevice::id).containsExactly("cuda:0");
        assertThat(status.unusable()).containsEntry("cuda:1", NO_KERNEL);
    }

    @Test
    void noGpuThatCanRunTheNetworkIsDownNamingEachDeviceAndWhy() {
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.cuda(1, "9.0")).withGpuBackend(null)
                .selfTest("cuda:0", () -> {
                    throw new IllegalStateException(NO_KERNEL);
                });

        BackendStatus status = check(backend);

        assertThat(status.ready()).isFalse();
        assertThat(status.usable()).isEmpty();
        assertThat(status.problem())
                .contains("cuda:0 (NVIDIA Test GPU, compute capability 9.0, 16 GiB): " + NO_KERNEL)
                .contains("docs/gpu.md");
    }

    @Test
    void aSelfTestThatHangsFailsInTimeInsteadOfStallingStartUp() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.cuda(1, "8.6")).withGpuBackend(null)
                .selfTest("cuda:0", () -> {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });

        long start = System.nanoTime();
        BackendStatus status = check(backend, TestDeviceProperties.of(false, true, Duration.ofMillis(200)));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(status.ready()).isFalse();
        assertThat(status.problem()).contains("the self-test did not finish within PT0.2S");
    }

    @Test
    void withoutTheSelfTestEveryDeviceTrainsUntested() {
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.cuda(3, "8.6")).withGpuBackend(null)
                .selfTest("cuda:2", () -> {
                    throw new IllegalStateException(NO_KERNEL);
                });

        BackendStatus status = check(backend, TestDeviceProperties.of(false, false, Duration.ofSeconds(10)));

        assertThat(status.usable()).hasSize(3);
        assertThat(backend.selfTested).isEmpty();
    }

    @Test
    void devicesAreNamedWithWhatTheDriverSays() {
        assertThat(ComputeDevice.cpu().describe()).isEqualTo("cpu");
        assertThat(ComputeDevice.cuda(1, "NVIDIA A100-SXM4-40GB", "8.0", 40L << 30).describe())
                .isEqualTo("cuda:1 (NVIDIA A100-SXM4-40GB, compute capability 8.0, 40 GiB)");
        assertThat(new BackendInfo(BackendInfo.CUDA, "CUBLAS", 1, 1, 8, 2, List.of()).computeDevices())
                .extracting(ComputeDevice::id).containsExactly("cuda:0", "cuda:1");
    }
}
