package com.trainingservice.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

class LoadedModelTest {

    private static final float TOLERANCE = 1e-6f;

    private final TinyModel tiny = TinyModel.get();

    @Test
    void theTinyModelHasNonTrivialRunningStatistics() {
        // otherwise a model that lost them (or predicted in training mode) could not be told apart
        INDArray mean = tiny.network.getLayer("bn3").getParam("mean");
        INDArray var = tiny.network.getLayer("bn3").getParam("var");
        assertThat(mean.amaxNumber().doubleValue()).isGreaterThan(1e-2);
        assertThat(var.sub(1.0).amaxNumber().doubleValue()).isGreaterThan(1e-2);
    }

    @Test
    void predictionsEqualTheOriginalNetworkInInferenceMode() {
        LoadedModel model = new LoadedModel(tiny.artifact, 2);
        float[][] images = images(0, 20);

        float[][] predicted = model.predict(images);

        assertEqual(predicted, tiny.expected(images));
        // one image alone gives what it gave in the batch: inference uses running statistics, not the batch's
        assertEqual(model.predict(new float[][] {images[7]}), new float[][] {predicted[7]});
    }

    @Test
    void probabilitiesSumToOneAndTheModelLearnedSomething() {
        LoadedModel model = new LoadedModel(tiny.artifact, 1);
        float[][] probabilities = model.predict(images(0, TinyModel.TEST_IMAGES));

        int correct = 0;
        Set<Integer> classes = new HashSet<>();
        for (int i = 0; i < probabilities.length; i++) {
            assertThat(probabilities[i]).hasSize(10);
            float sum = 0;
            int best = 0;
            for (int c = 0; c < 10; c++) {
                assertThat(probabilities[i][c]).isBetween(0f, 1f);
                sum += probabilities[i][c];
                best = probabilities[i][c] > probabilities[i][best] ? c : best;
            }
            assertThat(sum).as("image %d", i).isCloseTo(1f, within(1e-5f));
            correct += best == tiny.test.label(i) ? 1 : 0;
            classes.add(best);
        }
        assertThat(correct).as("correct of %d", probabilities.length).isGreaterThan(25); // chance is 10
        assertThat(classes).as("predicted classes").hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void concurrentPredictionsWithAPoolOfTwoEqualSingleThreadedAnswers() throws Exception {
        LoadedModel model = new LoadedModel(tiny.artifact, 2);
        int threads = 8;
        int rounds = 25;
        // each thread its own images (and batch size), so a network shared by mistake mixes answers up
        List<float[][]> inputs = new ArrayList<>();
        List<float[][]> expected = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            float[][] images = images(t * 10, 1 + t);
            inputs.add(images);
            expected.add(tiny.expected(images));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<float[][]>>> answers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                float[][] images = inputs.get(t);
                Callable<List<float[][]>> task = () -> {
                    start.await();
                    List<float[][]> results = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        results.add(model.predict(images));
                    }
                    return results;
                };
                answers.add(pool.submit(task));
            }
            start.countDown();
            for (int t = 0; t < threads; t++) {
                List<float[][]> results = answers.get(t).get(60, TimeUnit.SECONDS);
                for (float[][] result : results) {
                    assertEqual(result, expected.get(t));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private float[][] images(int first, int count) {
        float[][] images = new float[count][];
        for (int i = 0; i < count; i++) {
            images[i] = tiny.image(first + i);
        }
        return images;
    }

    private static void assertEqual(float[][] actual, float[][] expected) {
        assertThat(actual).hasDimensions(expected.length, 10);
        for (int i = 0; i < expected.length; i++) {
            for (int c = 0; c < 10; c++) {
                assertThat(actual[i][c]).as("image %d class %d", i, c).isCloseTo(expected[i][c], within(TOLERANCE));
            }
        }
    }

    @Test
    void aPredictingThreadUsesOneCoreAndOtherThreadsKeepTheirOpenMpTeams() throws Exception {
        LoadedModel model = new LoadedModel(tiny.artifact, 1);
        NativeOps nativeOps = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int[] before = new int[1];
        Thread other = new Thread(() -> before[0] = nativeOps.ompGetMaxThreads());
        other.start();
        other.join();

        model.predict(images(0, 1));

        assertThat(nativeOps.ompGetMaxThreads()).isEqualTo(1);
        int[] after = new int[1];
        Thread another = new Thread(() -> after[0] = nativeOps.ompGetMaxThreads());
        another.start();
        another.join();
        assertThat(after[0]).as("a thread that did not predict").isEqualTo(before[0]);
    }
}
