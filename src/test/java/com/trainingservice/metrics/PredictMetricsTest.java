package com.trainingservice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.inference.PredictionRejected;
import com.trainingservice.inference.PredictionServed;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PredictMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PredictMetrics metrics = new PredictMetrics(registry);

    @Test
    void everyInputAndReasonHasItsSeriesAtZero() {
        for (String input : PredictionServed.INPUTS) {
            assertThat(requests(input)).isZero();
        }
        for (String reason : PredictionRejected.REASONS) {
            assertThat(errors(reason)).isZero();
        }
        assertThat(registry.get(PredictMetrics.INSTANCES).counter().count()).isZero();
        assertThat(registry.get(PredictMetrics.LATENCY).timer().count()).isZero();
    }

    @Test
    void servedPredictionsMoveRequestsInstancesAndLatency() {
        UUID model = UUID.randomUUID();
        metrics.served(new PredictionServed(model, "instances", 3, Duration.ofMillis(4)));
        metrics.served(new PredictionServed(model, "multipart", 2, Duration.ofMillis(30)));
        metrics.served(new PredictionServed(model, "instances", 1, Duration.ofMillis(700)));

        assertThat(requests("instances")).isEqualTo(2);
        assertThat(requests("multipart")).isEqualTo(1);
        assertThat(requests("body")).isZero();
        assertThat(registry.get(PredictMetrics.INSTANCES).counter().count()).isEqualTo(6);
        Timer latency = registry.get(PredictMetrics.LATENCY).timer();
        assertThat(latency.count()).isEqualTo(3);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(734);
        assertThat(bucket(latency, Duration.ofMillis(2))).isZero();
        assertThat(bucket(latency, Duration.ofMillis(5))).isEqualTo(1);
        assertThat(bucket(latency, Duration.ofMillis(50))).isEqualTo(2);
        assertThat(bucket(latency, Duration.ofMillis(500))).isEqualTo(2);
        assertThat(bucket(latency, Duration.ofSeconds(1))).isEqualTo(3);
    }

    @Test
    void rejectionsCountByReason() {
        metrics.rejected(new PredictionRejected("not_found"));
        metrics.rejected(new PredictionRejected("not_found"));
        metrics.rejected(new PredictionRejected("too_large"));

        assertThat(errors("not_found")).isEqualTo(2);
        assertThat(errors("too_large")).isEqualTo(1);
        assertThat(errors("internal")).isZero();
        assertThat(registry.get(PredictMetrics.REQUESTS).counters()).allSatisfy(c -> assertThat(c.count()).isZero());
    }

    private double requests(String input) {
        return registry.get(PredictMetrics.REQUESTS).tag("input", input).counter().count();
    }

    private double errors(String reason) {
        return registry.get(PredictMetrics.ERRORS).tag("reason", reason).counter().count();
    }

    private static double bucket(Timer timer, Duration le) {
        double bound = le.toNanos();
        return Arrays.stream(timer.takeSnapshot().histogramCounts())
                .filter(bucket -> bucket.bucket() == bound)
                .mapToDouble(CountAtBucket::count)
                .findFirst().orElseThrow(() -> new AssertionError("no bucket " + le));
    }
}
