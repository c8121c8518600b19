package com.trainingservice.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class FashionMnistProviderTest {

    private static FashionMnist tinyDataSet() {
        FashionMnist.Split split = new FashionMnist.Split(1, 28, 28, new byte[784], new byte[1]);
        return new FashionMnist(split, split);
    }

    @Test
    void loadsOnFirstCallOnlyAndSharesTheResult() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Supplier<FashionMnist> slowLoader = () -> {
            loads.incrementAndGet();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return tinyDataSet();
        };
        FashionMnistProvider provider = new FashionMnistProvider(slowLoader, false);
        assertThat(provider.isLoaded()).isFalse();
        assertThat(loads).hasValue(0);

        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<FashionMnist>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(callers.submit(provider::get));
            }
            release.countDown();
            FashionMnist first = results.get(0).get(5, TimeUnit.SECONDS);
            for (Future<FashionMnist> result : results) {
                assertThat(result.get(5, TimeUnit.SECONDS)).isSameAs(first);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(loads).hasValue(1);
        assertThat(provider.isLoaded()).isTrue();
    }

    @Test
    void retriesAfterAFailedLoad() {
        AtomicInteger loads = new AtomicInteger();
        FashionMnistProvider provider = new FashionMnistProvider(() -> {
            if (loads.incrementAndGet() == 1) {
                throw new DatasetException("not there yet");
            }
            return tinyDataSet();
        }, false);

        assertThatThrownBy(provider::get).isInstanceOf(DatasetException.class).hasMessage("not there yet");
        assertThat(provider.isLoaded()).isFalse();
        assertThat(provider.get()).isNotNull();
        assertThat(loads).hasValue(2);
    }

    @Test
    void warmUpLoadsInTheBackgroundAndSwallowsErrors() throws Exception {
        CountDownLatch loaded = new CountDownLatch(1);
        FashionMnistProvider provider = new FashionMnistProvider(() -> {
            loaded.countDown();
            return tinyDataSet();
        }, true);

        provider.warmUpInBackground();

        assertThat(loaded.await(5, TimeUnit.SECONDS)).isTrue();
        FashionMnistProvider failing = new FashionMnistProvider(() -> {
            throw new DatasetException("broken");
        }, true);
        failing.warmUpInBackground(); // logs, does not throw
        assertThat(failing.isLoaded()).isFalse();
    }

    @Test
    void warmUpCanBeSwitchedOff() {
        AtomicInteger loads = new AtomicInteger();
        FashionMnistProvider provider = new FashionMnistProvider(() -> {
            loads.incrementAndGet();
            return tinyDataSet();
        }, false);

        provider.warmUpInBackground();

        assertThat(loads).hasValue(0);
    }
}
