package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;

class TrainingThreadsTest {

    @BeforeEach
    void onLinuxAtNormalPriority() {
        // nice values are per thread on Linux only; a build started under nice(1) would see other figures
        assumeThat(TrainingThreads.currentNice()).isZero();
    }

    @Test
    void trainingThreadsRunAtTheConfiguredNiceValueAndTheThreadsTheyStartInheritIt() throws InterruptedException {
        AtomicInteger own = new AtomicInteger(-2);
        AtomicInteger child = new AtomicInteger(-2);
        AtomicReference<String> name = new AtomicReference<>();
        Thread thread = new TrainingThreads(19, "training-worker-").newThread(() -> {
            own.set(TrainingThreads.currentNice());
            name.set(Thread.currentThread().getName());
            // as an OpenMP worker that a training thread starts does
            Thread started = new Thread(() -> child.set(TrainingThreads.currentNice()));
            started.start();
            try {
                started.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        thread.start();
        thread.join();

        assertThat(own).hasValue(19);
        assertThat(child).hasValue(19);
        assertThat(name.get()).isEqualTo("training-worker-1");
        assertThat(thread.isDaemon()).isFalse();
        assertThat(TrainingThreads.currentNice()).as("the thread that made it").isZero();
    }

    @Test
    void niceZeroLeavesThePriorityAlone() throws InterruptedException {
        AtomicInteger nice = new AtomicInteger(-2);
        Thread thread = new TrainingThreads(0, "w-").newThread(() -> nice.set(TrainingThreads.currentNice()));
        thread.start();
        thread.join();

        assertThat(nice).hasValue(0);
    }

    @Test
    void theDefaultIsTheLowestPriority() {
        TrainingProperties defaults = new Binder().bindOrCreate("training-service.training", TrainingProperties.class);

        assertThat(defaults.nice()).isEqualTo(19);
    }

    @Test
    void niceValuesOutsideZeroToNineteenAreRefused() {
        assertThatThrownBy(() -> new TrainingThreads(20, "w-")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TrainingThreads(-1, "w-")).isInstanceOf(IllegalArgumentException.class);
    }
}
