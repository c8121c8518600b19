package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.Trainer;
import com.trainingservice.training.TrainingCancelledException;
import com.trainingservice.training.TrainingCheckpoint;
import com.trainingservice.training.TrainingObserver;
import com.trainingservice.training.TrainingProperties;
import com.trainingservice.training.TrainingResult;
import com.trainingservice.training.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A trainer without DL4J for lifecycle tests: each epoch is a few "minibatches" that wait until
 * the test releases them, so tests decide exactly when a job is running and when it finishes. Its
 * checkpoints carry the epoch, and a resumed run goes on after it.
 */
class ScriptedTrainer extends Trainer {

    final List<Double> started = new CopyOnWriteArrayList<>();
    /** The epoch each run resumed after (0: from scratch). */
    final List<Integer> resumedAfter = new CopyOnWriteArrayList<>();
    volatile CountDownLatch release = new CountDownLatch(1);
    volatile Function<TrainingSpec, RuntimeException> failure = spec -> null;
    /** Minibatches of later epochs wait (stopping when asked to) until the test raises it. */
    volatile int epochsToRun = Integer.MAX_VALUE;
    /** The device the runs report holding. */
    volatile String device = "cpu";

    ScriptedTrainer() {
        super(() -> {
            throw new AssertionError("no data set in lifecycle tests");
        }, new TrainingProperties(1000, 19));
    }

    static EpochMetrics metrics(int epoch) {
        return new EpochMetrics(epoch, 1.0 / epoch, 0.5, 0.5, 1000, 0.1);
    }

    @Override
    public TrainingResult train(TrainingSpec spec, TrainingCheckpoint resumeFrom, TrainingObserver observer) {
        started.add(spec.learningRate());
        int after = resumeFrom == null ? 0 : resumeFrom.epochsDone();
        resumedAfter.add(after);
        observer.started(device);
        RuntimeException error = failure.apply(spec);
        if (error != null) {
            throw error;
        }
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int epoch = after + 1; epoch <= spec.epochs(); epoch++) {
            for (int batch = 1; batch <= 4; batch++) {
                awaitRelease(observer, epoch);
                observer.batchFinished(epoch, batch, 4);
            }
            EpochMetrics metrics = metrics(epoch);
            epochs.add(metrics);
            observer.epochFinished(metrics, new TrainingCheckpoint(epoch, new byte[] {(byte) epoch}, epoch, epoch * 1000L));
        }
        return new TrainingResult(epochs, 1000, device, new byte[] {1, 2, 3});
    }

    /** Like a real minibatch loop, a cancelled run stops before its next step. */
    private void awaitRelease(TrainingObserver observer, int epoch) {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!release.await(10, TimeUnit.MILLISECONDS) || epoch > epochsToRun) {
                if (observer.isCancellationRequested()) {
                    throw new TrainingCancelledException(epoch);
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the test never released the training step");
                }
            }
            if (observer.isCancellationRequested()) {
                throw new TrainingCancelledException(epoch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
