package com.trainingservice.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The {@code dataset} health component through every state of the provider. */
class DatasetHealthIndicatorTest {

    private static final Path SOURCE = Path.of("/srv/fashion-mnist").toAbsolutePath();

    private static FashionMnist dataSet(int train, int test) {
        return new FashionMnist(new FashionMnist.Split(train, 28, 28, new byte[train * 784], new byte[train]),
                new FashionMnist.Split(test, 28, 28, new byte[test * 784], new byte[test]));
    }

    @Test
    void notLoadedIsOutOfServiceAndSaysWhy() {
        FashionMnistProvider provider = new FashionMnistProvider(() -> dataSet(3, 2), false);

        Health health = new DatasetHealthIndicator(provider).health();

        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails()).containsEntry("state", "not loaded");
        assertThat((String) health.getDetails().get("reason")).contains("warm-up is off");
        assertThat(provider.isLoaded()).as("a health check never loads").isFalse();
    }

    @Test
    void loadedIsUpWithTheCountsAndTheSource() {
        FashionMnistProvider provider = new FashionMnistProvider(() -> dataSet(3, 2), () -> Optional.of(SOURCE), false);
        provider.get();

        Health health = new DatasetHealthIndicator(provider).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("state", "loaded").containsEntry("train", 3)
                .containsEntry("test", 2).containsEntry("source", SOURCE.toString());
    }

    @Test
    void anUnknownSourceIsLeftOut() {
        FashionMnistProvider provider = new FashionMnistProvider(() -> dataSet(1, 1), () -> {
            throw new IllegalStateException("cannot list directories");
        }, false);
        provider.get();

        Health health = new DatasetHealthIndicator(provider).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).doesNotContainKey("source");
    }

    @Test
    void loadingIsOutOfService() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FashionMnistProvider provider = new FashionMnistProvider(() -> {
            started.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return dataSet(1, 1);
        }, true);
        DatasetHealthIndicator indicator = new DatasetHealthIndicator(provider);
        CompletableFuture<FashionMnist> load = CompletableFuture.supplyAsync(provider::get);
        try {
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

            Health health = indicator.health();

            assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(health.getDetails()).containsEntry("state", "loading");
        } finally {
            release.countDown();
        }
        load.get(5, TimeUnit.SECONDS);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aFailedLoadIsDownWithTheErrorUntilARetrySucceeds() {
        AtomicInteger loads = new AtomicInteger();
        FashionMnistProvider provider = new FashionMnistProvider(() -> {
            if (loads.incrementAndGet() == 1) {
                throw new DatasetException("Fashion-MNIST not found: no directory holds all four files");
            }
            return dataSet(2, 1);
        }, true);
        DatasetHealthIndicator indicator = new DatasetHealthIndicator(provider);
        assertThatThrownBy(provider::get).isInstanceOf(DatasetException.class);

        Health failed = indicator.health();

        assertThat(failed.getStatus()).isEqualTo(Status.DOWN);
        assertThat(failed.getDetails()).containsEntry("state", "failed")
                .containsEntry("error", "Fashion-MNIST not found: no directory holds all four files");

        provider.get();
        Health recovered = indicator.health();
        assertThat(recovered.getStatus()).isEqualTo(Status.UP);
        assertThat(recovered.getDetails()).containsEntry("train", 2).doesNotContainKey("error");
    }
}
