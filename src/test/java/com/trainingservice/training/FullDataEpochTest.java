package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One epoch of lenet-bn on all 60,000 training images with the reference's settings: the test that
 * the service learns what the reference learns (PyTorch reaches 0.72 test accuracy after one epoch).
 * Takes a few minutes on two cores.
 */
class FullDataEpochTest {

    @Test
    void oneEpochOfLenetBnOnTheFullDataReachesSeventyPercentTestAccuracy() {
        Trainer trainer = new Trainer(TestData::full, new TrainingProperties(1000, 19));

        TrainingResult result = trainer.train(new TrainingSpec(Variant.LENET_BN, 0.9, 1, 256, 42L, 60_000),
                new TrainingObserver() { });

        EpochMetrics epoch = result.last();
        System.out.printf("full-data epoch of lenet-bn: %s%n", epoch);
        assertThat(epoch.testAccuracy()).isGreaterThanOrEqualTo(0.70);
        assertThat(epoch.trainAccuracy()).isGreaterThan(0.6);
        assertThat(epoch.loss()).isLessThan(1.0);
    }
}
