package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The {@code nd4j} health component and the provider behind it: asked once, kept, failures too. */
class Nd4jHealthIndicatorTest {

    private static final BackendInfo CPU = new BackendInfo("CPU", "OPENBLAS", 4, 4, 4, 1, List.of("avx", "avx2"));

    @Test
    void upWithBackendBlasThreadsAndDevices() {
        Health health = new Nd4jHealthIndicator(new BackendInfoProvider(() -> CPU)).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("backend", "CPU").containsEntry("blasVendor", "OPENBLAS")
                .containsEntry("ompThreads", 4).containsEntry("blasThreads", 4).containsEntry("cores", 4)
                .containsEntry("devices", 1);
    }

    @Test
    void nd4jIsAskedOnceAndTheAnswerKept() {
        AtomicInteger probes = new AtomicInteger();
        BackendInfoProvider provider = new BackendInfoProvider(() -> {
            probes.incrementAndGet();
            return CPU;
        });
        Nd4jHealthIndicator indicator = new Nd4jHealthIndicator(provider);

        assertThat(probes).as("nothing is initialised up front").hasValue(0);
        indicator.health();
        indicator.health();
        assertThat(provider.get()).isSameAs(CPU);
        assertThat(probes).hasValue(1);
    }

    @Test
    void aBackendThatCannotLoadIsDownAndNotRetried() {
        AtomicInteger probes = new AtomicInteger();
        BackendInfoProvider provider = new BackendInfoProvider(() -> {
            probes.incrementAndGet();
            throw new UnsatisfiedLinkError("no jnind4jcpu in java.library.path");
        });
        Nd4jHealthIndicator indicator = new Nd4jHealthIndicator(provider);

        Health health = indicator.health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) health.getDetails().get("error")).contains("no jnind4jcpu");
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        assertThatThrownBy(provider::get).hasMessageContaining("ND4J could not be initialised");
        assertThat(probes).hasValue(1);
    }

    @Test
    void theRealBackendIsTheCpu() {
        BackendInfo info = BackendInfoProvider.probeNd4j();

        assertThat(info.backend()).isEqualTo("CPU");
        assertThat(info.blasVendor()).isNotBlank();
        assertThat(info.cores()).isPositive();
        assertThat(info.ompThreads()).isPositive();
        assertThat(info.devices()).isEqualTo(1);
        assertThat(CpuFeatures.INTERESTING).containsAll(info.cpuFeatures());
    }
}
