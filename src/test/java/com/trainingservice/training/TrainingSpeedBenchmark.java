package com.trainingservice.training;

import com.trainingservice.training.data.FashionMnist;
import com.trainingservice.training.network.LeNetFactory;
import com.trainingservice.training.network.OneDnnHelpers;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One training-speed measurement of the service's own code path ({@link Trainer}, {@link LeNetFactory}) in a
 * fresh JVM, run by {@code bench/training-speed.sh}, which alternates it with the PyTorch anchor and takes
 * medians. Not a test: a main class in the test sources, so it ships in no jar.
 *
 * <p>{@code TrainingSpeedBenchmark <variant> <examples> [batchSize] [epochs]}: a short warm-up run (JIT, native
 * initialisation, not measured), then {@code epochs} epochs on {@code examples} training examples (a seeded
 * subset, as a job with {@code trainExamples}) with the full test set evaluated after each epoch; prints one
 * {@code RESULT} line per epoch. {@code examplesPerSecond} is the job metric (training steps only).
 */
public final class TrainingSpeedBenchmark {

    private static final int WARM_UP_EXAMPLES = 1024;
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private TrainingSpeedBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: TrainingSpeedBenchmark <variant> <examples> [batchSize] [epochs]");
            System.exit(2);
        }
        Variant variant = Variant.fromId(args[0]).orElseThrow(() -> new IllegalArgumentException("variant " + args[0]));
        int examples = Integer.parseInt(args[1]);
        int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 1;

        FashionMnist data = TestData.full();
        TrainingProperties properties = new TrainingProperties(1000, 19);
        OneDnnHelpers.Status helpers = OneDnnHelpers.configure();
        System.out.println("HELPERS " + variant.id() + ": " + OneDnnHelpers.layersWithHelpers(LeNetFactory.build(variant, 1L)));

        FashionMnist warmUpData = new FashionMnist(data.train(), TestData.slice(1, 1000).test());
        new Trainer(() -> warmUpData, properties).train(
                new TrainingSpec(variant, 0.9, 1, batchSize, 1L, WARM_UP_EXAMPLES), new TrainingObserver() { });

        CpuTimeObserver cpuTime = new CpuTimeObserver();
        TrainingResult result = new Trainer(() -> data, properties).train(
                new TrainingSpec(variant, 0.9, epochs, batchSize, 42L, examples), cpuTime);
        for (EpochMetrics epoch : result.epochs()) {
            System.out.println(String.format(Locale.ROOT,
                    "RESULT variant=%s examples=%d batch=%d epoch=%d examplesPerSecond=%.1f cpuExamplesPerSecond=%.1f"
                            + " loss=%.4f trainAccuracy=%.4f testAccuracy=%.4f epochSeconds=%.2f helpers=%s build=%s",
                    variant.id(), examples, batchSize, epoch.epoch(), epoch.examplesPerSecond(),
                    examples / cpuTime.trainingCpuSeconds.get(epoch.epoch() - 1), epoch.loss(),
                    epoch.trainAccuracy(), epoch.testAccuracy(), epoch.seconds(), helpers.enabled(), helpers.nativeBuild()));
        }
        System.exit(0);
    }

    /**
     * CPU seconds of the process (all threads) in each epoch's training steps: less sensitive than wall time to
     * other processes on a shared machine, for comparing two versions of our code (not for the PyTorch ratio).
     */
    private static final class CpuTimeObserver implements TrainingObserver {

        final List<Double> trainingCpuSeconds = new ArrayList<>();
        private long epochStart;

        @Override
        public void started(String device) {
            epochStart = OS.getProcessCpuTime();
        }

        @Override
        public void batchFinished(int epoch, int batchesDone, int batchesPerEpoch) {
            if (batchesDone == batchesPerEpoch) {
                trainingCpuSeconds.add((OS.getProcessCpuTime() - epochStart) / 1e9);
            }
        }

        @Override
        public void epochFinished(EpochMetrics metrics, TrainingCheckpoint checkpoint) {
            epochStart = OS.getProcessCpuTime();
        }
    }
}
