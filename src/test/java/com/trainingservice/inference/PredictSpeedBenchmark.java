package com.trainingservice.inference;

import com.trainingservice.training.TestData;
import com.trainingservice.training.Trainer;
import com.trainingservice.training.TrainingObserver;
import com.trainingservice.training.TrainingProperties;
import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import com.trainingservice.training.data.FashionMnist;
import java.util.Arrays;
import java.util.Locale;

/**
 * Predict throughput of the service's own path ({@link LoadedModel#predict}, which every predict request ends in:
 * a network copy from the pool, one forward pass, the probabilities as floats), run by
 * {@code bench/training-speed.sh}. Not a test: a main class in the test sources.
 *
 * <p>{@code PredictSpeedBenchmark <variant> [seconds]}: trains a model for 1 epoch on 2,048 images, then, one
 * thread, for {@code seconds} each after a warm-up: single images (one call per image) and batches of 256 test
 * images; prints images per second and the median and 99th-percentile latency of a call.
 */
public final class PredictSpeedBenchmark {

    private static final int BATCH = 256;

    private PredictSpeedBenchmark() {
    }

    public static void main(String[] args) {
        Variant variant = Variant.fromId(args.length > 0 ? args[0] : "lenet-bn")
                .orElseThrow(() -> new IllegalArgumentException("variant " + args[0]));
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;

        FashionMnist data = TestData.full();
        byte[] artifact = new Trainer(() -> data, new TrainingProperties(1000, 19))
                .train(new TrainingSpec(variant, 0.9, 1, 256, 42L, 2048), new TrainingObserver() { })
                .model();
        LoadedModel model = new LoadedModel(artifact, 1);
        float[][] images = testImages(data.test(), BATCH);

        report(variant, "single", measure(model, i -> new float[][] {images[i % BATCH]}, 1, seconds));
        report(variant, "batch" + BATCH, measure(model, i -> images, BATCH, seconds));
        System.exit(0);
    }

    private interface Request {
        float[][] images(int call);
    }

    private record Figures(double imagesPerSecond, double medianMillis, double p99Millis, int calls) {
    }

    private static Figures measure(LoadedModel model, Request request, int imagesPerCall, double seconds) {
        long warmUpEnd = System.nanoTime() + (long) (seconds / 5 * 1e9);
        for (int i = 0; System.nanoTime() < warmUpEnd; i++) {
            model.predict(request.images(i));
        }
        long[] latencies = new long[1 << 20];
        int calls = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end && calls < latencies.length) {
            long before = System.nanoTime();
            model.predict(request.images(calls));
            latencies[calls++] = System.nanoTime() - before;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = Arrays.copyOf(latencies, calls);
        Arrays.sort(sorted);
        return new Figures((double) calls * imagesPerCall / elapsed, sorted[calls / 2] / 1e6,
                sorted[(int) Math.min(calls - 1, Math.ceil(calls * 0.99) - 1)] / 1e6, calls);
    }

    private static void report(Variant variant, String mode, Figures figures) {
        System.out.println(String.format(Locale.ROOT,
                "PREDICT variant=%s mode=%s imagesPerSecond=%.1f medianMs=%.3f p99Ms=%.3f calls=%d",
                variant.id(), mode, figures.imagesPerSecond(), figures.medianMillis(), figures.p99Millis(),
                figures.calls()));
    }

    private static float[][] testImages(FashionMnist.Split split, int count) {
        float[][] images = new float[count][split.pixelsPerImage()];
        for (int i = 0; i < count; i++) {
            split.copyImages(i, 1, images[i], 0);
        }
        return images;
    }
}
