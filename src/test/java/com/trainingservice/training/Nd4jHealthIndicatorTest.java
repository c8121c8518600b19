package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The {@code nd4j} health component and the provider behind it: checked once, kept, failures too. */
class Nd4jHealthIndicatorTest {

    private static Health health(FakeComputeBackend backend, DeviceProperties properties) {
        return new Nd4jHealthIndicator(new BackendInfoProvider(backend, properties)).health();
    }

    @Test
    void upWithBackendBlasThreadsAndDevices() {
        Health health = health(FakeComputeBackend.of(FakeComputeBackend.CPU), TestDeviceProperties.defaults());

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("backend", "CPU").containsEntry("blasVendor", "OPENBLAS")
                .containsEntry("ompThreads", 4).containsEntry("blasThreads", 4).containsEntry("cores", 4)
                .containsEntry("devices", 1).containsEntry("trainingDevices", List.of("cpu"))
                .doesNotContainKeys("fallback", "unusableDevices", "error");
    }

    @Test
    void upOnGpusWithEachGpuAndTheOnesThatCannotTrain() {
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.cuda(2, "9.0")).withGpuBackend(null)
                .selfTest("cuda:1", () -> {
                    throw new IllegalStateException("no kernel image is available for execution on the device");
                });

        Health health = health(backend, TestDeviceProperties.defaults());

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("backend", "CUDA").containsEntry("devices", 2)
                .containsEntry("trainingDevices", List.of("cuda:0"))
                .containsEntry("unusableDevices",
                        Map.of("cuda:1", "no kernel image is available for execution on the device"));
        assertThat(health.getDetails().get("computeDevices")).isEqualTo(List.of(
                Map.of("id", "cuda:0", "name", "NVIDIA Test GPU", "computeCapability", "9.0", "memoryBytes", 16L << 30),
                Map.of("id", "cuda:1", "name", "NVIDIA Test GPU", "computeCapability", "9.0", "memoryBytes", 16L << 30)));
    }

    @Test
    void downWithTheReasonWhenCudaCannotBeUsedAndFallingBackIsNotAllowed() {
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.CPU)
                .withGpuBackend("No CUDA devices were found in system");

        Health refused = health(backend, TestDeviceProperties.defaults());
        Health fellBack = health(backend, TestDeviceProperties.of(true, true, Duration.ofSeconds(10)));

        assertThat(refused.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) refused.getDetails().get("error")).contains("No CUDA devices were found in system")
                .contains("cpu-fallback=false");
        assertThat(refused.getDetails()).containsEntry("backend", "CPU").containsEntry("trainingDevices", List.of());
        assertThat(fellBack.getStatus()).isEqualTo(Status.UP);
        assertThat((String) fellBack.getDetails().get("fallback")).contains("training on the CPU");
    }

    @Test
    void nd4jIsCheckedOnceAndTheAnswerKept() {
        FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.CPU);
        BackendInfoProvider provider = new BackendInfoProvider(backend, TestDeviceProperties.defaults());
        Nd4jHealthIndicator indicator = new Nd4jHealthIndicator(provider);

        assertThat(backend.describeCalls).as("nothing is initialised up front").hasValue(0);
        indicator.health();
        indicator.health();
        assertThat(provider.get()).isSameAs(FakeComputeBackend.CPU);
        assertThat(provider.devicePool().status()).isSameAs(provider.status());
        assertThat(backend.describeCalls).hasValue(1);
        assertThat(backend.selfTested).containsExactly("cpu");
    }

    @Test
    void aBackendThatCannotLoadIsDownAndNotRetried() {
        FakeComputeBackend backend = new FakeComputeBackend(() -> {
            throw new UnsatisfiedLinkError("no jnind4jcpu in java.library.path");
        });
        BackendInfoProvider provider = new BackendInfoProvider(backend, TestDeviceProperties.defaults());
        Nd4jHealthIndicator indicator = new Nd4jHealthIndicator(provider);

        Health health = indicator.health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) health.getDetails().get("error")).contains("no jnind4jcpu");
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        assertThatThrownBy(provider::get).hasMessageContaining("ND4J could not be initialised");
        assertThat(backend.describeCalls).hasValue(1);
    }
}
