package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Training on a slice of the real data (4,096 training and 500 test images), so each run takes seconds. */
class TrainerTest {

    private static com.trainingservice.training.data.FashionMnist data;
    private static Trainer trainer;

    @BeforeAll
    static void sliceData() {
        data = TestData.slice(4096, 500);
        trainer = new Trainer(() -> data, new TrainingProperties(250, 19));
    }

    private static TrainingSpec spec(Variant variant, int examples, int epochs, long seed) {
        return new TrainingSpec(variant, 0.9, epochs, 128, seed, examples);
    }

    @Test
    void recordsEveryEpochAsTheReferenceDefinesIt() {
        List<EpochMetrics> seen = new ArrayList<>();
        TrainingResult result = trainer.train(spec(Variant.LENET_BN, 2048, 2, 7), new TrainingObserver() {
            @Override
            public void epochFinished(EpochMetrics metrics, TrainingCheckpoint checkpoint) {
                seen.add(metrics);
            }
        });

        assertThat(result.epochs()).hasSize(2).isEqualTo(seen);
        assertThat(result.epochs()).extracting(EpochMetrics::epoch).containsExactly(1, 2);
        EpochMetrics last = result.last();
        assertThat(last.loss()).isBetween(0.1, 2.3);
        assertThat(last.trainAccuracy()).isBetween(0.3, 1.0);
        assertThat(last.testAccuracy()).isGreaterThan(0.4);
        assertThat(last.examplesPerSecond()).isPositive();
        assertThat(last.seconds()).isPositive();
        assertThat(result.device()).isEqualTo("cpu");
        assertThat(result.model()).isNotEmpty();
        // 2048 examples, batch 128: accuracy is a whole number of correct answers over 2048
        assertThat(last.trainAccuracy() * 2048).isCloseTo(Math.rint(last.trainAccuracy() * 2048), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aRunResumedFromACheckpointTrainsTheEpochsAnUninterruptedRunTrains() {
        for (Variant variant : Variant.values()) {
            TrainingSpec spec = spec(variant, 640, 3, 13);
            List<TrainingCheckpoint> checkpoints = new ArrayList<>();
            TrainingResult uninterrupted = trainer.train(spec, new TrainingObserver() {
                @Override
                public void epochFinished(EpochMetrics metrics, TrainingCheckpoint checkpoint) {
                    checkpoints.add(checkpoint);
                }
            });
            assertThat(checkpoints).extracting(TrainingCheckpoint::epochsDone).containsExactly(1, 2, 3);

            TrainingResult resumed = trainer.train(spec, checkpoints.get(0), new TrainingObserver() { });

            assertThat(resumed.epochs()).as(variant.id()).extracting(EpochMetrics::epoch).containsExactly(2, 3);
            assertThat(resumed.epochs()).as(variant.id())
                    .extracting(EpochMetrics::loss, EpochMetrics::trainAccuracy, EpochMetrics::testAccuracy)
                    .isEqualTo(uninterrupted.epochs().subList(1, 3).stream()
                            .map(m -> org.assertj.core.groups.Tuple.tuple(m.loss(), m.trainAccuracy(), m.testAccuracy())).toList());
            assertThat(resumed.examplesPerSecond()).isPositive();
        }
    }

    @Test
    void aCheckpointThatCannotBeReadFailsTheRunWithItsReason() {
        TrainingSpec spec = spec(Variant.LENET_BN, 640, 2, 13);
        TrainingCheckpoint garbage = new TrainingCheckpoint(1, new byte[] {1, 2, 3}, 1, 1);

        assertThatThrownBy(() -> trainer.train(spec, garbage, new TrainingObserver() { }))
                .isInstanceOf(TrainingFailedException.class)
                .hasMessageContaining("checkpoint after epoch 1 cannot be read");
    }

    @Test
    void theSameSpecAndSeedGiveTheSameMetrics() {
        for (Variant variant : Variant.values()) {
            TrainingSpec spec = spec(variant, 640, 2, 11);
            List<EpochMetrics> first = trainer.train(spec, new TrainingObserver() { }).epochs();
            List<EpochMetrics> second = trainer.train(spec, new TrainingObserver() { }).epochs();
            assertThat(second).as(variant.id()).extracting(EpochMetrics::loss, EpochMetrics::trainAccuracy, EpochMetrics::testAccuracy)
                    .isEqualTo(first.stream().map(m -> org.assertj.core.groups.Tuple.tuple(m.loss(), m.trainAccuracy(), m.testAccuracy())).toList());
        }
    }

    @Test
    void anotherSeedGivesOtherMetrics() {
        double first = trainer.train(spec(Variant.LENET_BN, 640, 1, 1), new TrainingObserver() { }).last().loss();
        double second = trainer.train(spec(Variant.LENET_BN, 640, 1, 2), new TrainingObserver() { }).last().loss();
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void stopsBeforeTheNextMinibatchOnceCancelled() {
        int[] batches = {0};
        assertThatThrownBy(() -> trainer.train(spec(Variant.LENET_BN_SCRATCH, 2048, 3, 3), new TrainingObserver() {
            @Override
            public boolean isCancellationRequested() {
                return batches[0] >= 3;
            }

            @Override
            public void batchFinished(int epoch, int done, int perEpoch) {
                batches[0]++;
            }
        })).isInstanceOf(TrainingCancelledException.class);
        assertThat(batches[0]).isEqualTo(3);
    }

    @Test
    void aLossThatIsNoLongerFiniteFailsTheRunWithItsReason() {
        // 1e38: the weights overflow float within a few steps (at 1e30 batch norm, which sums in double, still
        // normalises them and the loss stays finite, for every variant)
        assertThatThrownBy(() -> trainer.train(new TrainingSpec(Variant.LENET_BN_SCRATCH, 1e38, 1, 64, 5L, 512),
                new TrainingObserver() { }))
                .isInstanceOf(TrainingFailedException.class)
                .hasMessageContaining("loss became")
                .hasMessageContaining("learning rate");
    }

    @Test
    void aRunHoldsItsDeviceBoundToItsThreadAndReportsIt() {
        BackendInfo info = FakeComputeBackend.cuda(1, "8.6");
        FakeComputeBackend backend = FakeComputeBackend.of(info);
        DevicePool pool = new DevicePool(new BackendStatus(info, info.computeDevices(), java.util.Map.of(), null, null),
                backend::bind);
        Trainer onGpu = new Trainer(() -> data, new TrainingProperties(250, 19), pool);
        List<String> started = new ArrayList<>();
        List<Integer> freeWhileTraining = new ArrayList<>();

        TrainingResult result = onGpu.train(spec(Variant.LENET, 256, 1, 3), new TrainingObserver() {
            @Override
            public void started(String device) {
                started.add(device);
            }

            @Override
            public void batchFinished(int epoch, int batchesDone, int batchesPerEpoch) {
                freeWhileTraining.add(pool.freeGpus());
            }
        });

        // the fake binds nothing: the network trains on the CPU, named as the device it was given
        assertThat(result.device()).isEqualTo("cuda:0");
        assertThat(started).containsExactly("cuda:0");
        assertThat(backend.bound).containsExactly("cuda:0@" + Thread.currentThread().getName());
        assertThat(freeWhileTraining).isNotEmpty().containsOnly(0);
        assertThat(pool.freeGpus()).as("given back").isEqualTo(1);
    }

    @Test
    void withNoDeviceToTrainOnARunFailsAtOnceWithTheReason() {
        BackendStatus down = new BackendStatus(null, List.of(), java.util.Map.of(), null,
                "ND4J could not be initialised: no jnind4jcuda");
        Trainer nowhere = new Trainer(() -> {
            throw new AssertionError("the data set is not even loaded");
        }, new TrainingProperties(250, 19), new DevicePool(down, device -> { }));
        List<String> started = new ArrayList<>();

        assertThatThrownBy(() -> nowhere.train(spec(Variant.LENET, 256, 1, 3), new TrainingObserver() {
            @Override
            public void started(String device) {
                started.add(device);
            }
        })).isInstanceOf(TrainingFailedException.class)
                .hasMessage("no device to train on: ND4J could not be initialised: no jnind4jcuda");
        assertThat(started).isEmpty();
    }
}
