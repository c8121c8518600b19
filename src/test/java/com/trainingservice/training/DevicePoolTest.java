package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leases: a GPU to one run at a time, bound to the run's thread; the CPU shared; no device, no wait. */
class DevicePoolTest {

    private final FakeComputeBackend backend = FakeComputeBackend.of(FakeComputeBackend.cuda(2, "8.6"));
    private final ExecutorService workers = Executors.newFixedThreadPool(4, task -> {
        Thread thread = new Thread(task, "worker-" + System.identityHashCode(task));
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    private DevicePool gpus(int n) {
        List<ComputeDevice> devices = FakeComputeBackend.cuda(n, "8.6").computeDevices();
        return new DevicePool(new BackendStatus(FakeComputeBackend.cuda(n, "8.6"), devices, Map.of(), null, null),
                backend::bind);
    }

    @Test
    void twoRunsGetTwoGpusEachBoundInItsOwnThread() throws Exception {
        DevicePool pool = gpus(2);
        CountDownLatch bothHold = new CountDownLatch(2);
        List<Future<String>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            runs.add(workers.submit(() -> {
                try (DeviceLease lease = pool.acquire(() -> false)) {
                    bothHold.countDown();
                    bothHold.await(5, TimeUnit.SECONDS);
                    return lease.device().id() + "@" + Thread.currentThread().getName();
                }
            }));
        }
        List<String> held = new ArrayList<>();
        for (Future<String> run : runs) {
            held.add(run.get(5, TimeUnit.SECONDS));
        }

        assertThat(held).extracting(h -> h.substring(0, h.indexOf('@'))).containsExactlyInAnyOrder("cuda:0", "cuda:1");
        assertThat(backend.bound).as("each bound in the thread that holds it").containsExactlyInAnyOrderElementsOf(held);
        assertThat(pool.freeGpus()).isEqualTo(2);
    }

    @Test
    void aRunBeyondTheGpusWaitsUntilOneIsGivenBack() throws Exception {
        DevicePool pool = gpus(1);
        DeviceLease first = pool.acquire(() -> false);
        Future<String> second = workers.submit(() -> {
            try (DeviceLease lease = pool.acquire(() -> false)) {
                return lease.device().id();
            }
        });

        Thread.sleep(300);
        assertThat(second).as("waits while cuda:0 is held").isNotDone();
        first.close();
        first.close(); // closing twice gives it back once

        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("cuda:0");
        assertThat(pool.freeGpus()).isEqualTo(1);
    }

    @Test
    void aRunCancelledWhileWaitingForAGpuStopsWaiting() throws Exception {
        DevicePool pool = gpus(1);
        DeviceLease held = pool.acquire(() -> false);
        AtomicBoolean cancelled = new AtomicBoolean();
        Future<?> waiting = workers.submit(() -> pool.acquire(cancelled::get));

        Thread.sleep(200);
        cancelled.set(true);

        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TrainingCancelledException.class);
        held.close();
        assertThat(pool.freeGpus()).isEqualTo(1);
    }

    @Test
    void manyRunsOnFewGpusNeverShareOne() throws Exception {
        DevicePool pool = gpus(2);
        Set<String> inUse = ConcurrentHashMap.newKeySet();
        AtomicInteger shared = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        List<Future<?>> workersDone = new ArrayList<>();
        for (int worker = 0; worker < 4; worker++) {
            workersDone.add(workers.submit(() -> {
                for (int run = 0; run < 50; run++) {
                    try (DeviceLease lease = pool.acquire(() -> false)) {
                        if (!inUse.add(lease.device().id())) {
                            shared.incrementAndGet();
                        }
                        Thread.sleep(1);
                        inUse.remove(lease.device().id());
                        runs.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> done : workersDone) {
            done.get(30, TimeUnit.SECONDS);
        }

        assertThat(runs).hasValue(200);
        assertThat(shared).as("runs that found their GPU in use").hasValue(0);
        assertThat(pool.freeGpus()).isEqualTo(2);
    }

    @Test
    void theCpuIsSharedAndNeverWaitedFor() {
        DevicePool pool = new DevicePool(BackendStatus.cpuUnchecked(), backend::bind);

        try (DeviceLease first = pool.acquire(() -> false); DeviceLease second = pool.acquire(() -> false)) {
            assertThat(first.device()).isEqualTo(ComputeDevice.cpu());
            assertThat(second.device()).isEqualTo(ComputeDevice.cpu());
        }
        assertThat(pool.freeGpus()).isZero();
    }

    @Test
    void withNoDeviceToTrainOnARunFailsAtOnceWithTheReason() {
        BackendStatus down = new BackendStatus(FakeComputeBackend.CPU, List.of(), Map.of(), null,
                "the CUDA backend could not be used (No CUDA devices were found in system)");
        DevicePool pool = new DevicePool(down, backend::bind);

        assertThatThrownBy(() -> pool.acquire(() -> false)).isInstanceOf(TrainingFailedException.class)
                .hasMessage("no device to train on: the CUDA backend could not be used (No CUDA devices were found in system)");
        assertThat(backend.bound).isEmpty();
    }
}
