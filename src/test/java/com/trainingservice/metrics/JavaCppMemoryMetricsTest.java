package com.trainingservice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class JavaCppMemoryMetricsTest {

    @Test
    void offHeapGaugesAreRegisteredInBytesAndNotNegative() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new JavaCppMemoryMetrics().bindTo(registry);

        for (String name : List.of(JavaCppMemoryMetrics.PHYSICAL, JavaCppMemoryMetrics.TOTAL, JavaCppMemoryMetrics.MAX,
                JavaCppMemoryMetrics.MAX_PHYSICAL)) {
            var gauge = registry.get(name).gauge();
            assertThat(gauge.getId().getBaseUnit()).as(name).isEqualTo("bytes");
            assertThat(gauge.value()).as(name).isNotNaN().isGreaterThanOrEqualTo(0);
        }
        assertThat(registry.get(JavaCppMemoryMetrics.PHYSICAL).gauge().value()).as("the process's resident memory")
                .isPositive();
        assertThat(registry.get(JavaCppMemoryMetrics.MAX).gauge().value()).isPositive();
    }
}
