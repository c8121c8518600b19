package com.trainingservice.training;

import com.trainingservice.training.data.FashionMnist;
import com.trainingservice.training.network.LeNetFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one spec on Fashion-MNIST the way the reference does (d2l's train_ch6): every epoch a
 * seeded shuffle, minibatch SGD, loss and train accuracy accumulated while training, test accuracy
 * in inference mode after the epoch. Runs in the caller's thread; one network per call, so
 * concurrent calls share nothing but the read-only data set.
 */
public class Trainer {

    private static final Logger log = LoggerFactory.getLogger(Trainer.class);

    private final Supplier<FashionMnist> dataSet;
    private final int evaluationBatchSize;
    private final DevicePool devices;

    /** Trains on the CPU, unchecked: for tests and tools. */
    public Trainer(Supplier<FashionMnist> dataSet, TrainingProperties properties) {
        this(dataSet, properties, DevicePool.sharedCpu());
    }

    public Trainer(Supplier<FashionMnist> dataSet, TrainingProperties properties, DevicePool devices) {
        this.dataSet = Objects.requireNonNull(dataSet);
        this.evaluationBatchSize = properties.evaluationBatchSize();
        this.devices = Objects.requireNonNull(devices);
    }

    /** A run from scratch: {@link #train(TrainingSpec, TrainingCheckpoint, TrainingObserver)} without a checkpoint. */
    public TrainingResult train(TrainingSpec spec, TrainingObserver observer) {
        return train(spec, null, observer);
    }

    /**
     * Trains the spec's epochs after those of {@code resumeFrom}; the epochs it trains are the ones a run
     * from scratch would have trained, shuffle and all. The observer gets a checkpoint after every epoch.
     *
     * @param spec a spec with its defaults filled in (seed and trainExamples set)
     * @param resumeFrom where an earlier run of the same spec stopped; null to start from scratch
     * @return the epochs trained by this call, and the model after the spec's last epoch
     * @throws TrainingCancelledException when the observer asked to stop
     * @throws TrainingFailedException when training cannot go on (a non-finite loss, no device to train on)
     */
    public TrainingResult train(TrainingSpec spec, TrainingCheckpoint resumeFrom, TrainingObserver observer) {
        // the whole run holds one device, its thread bound to it: a GPU is never shared by two runs
        try (DeviceLease lease = devices.acquire(observer::isCancellationRequested)) {
            return trainOn(lease.device().id(), spec, resumeFrom, observer);
        }
    }

    private TrainingResult trainOn(String device, TrainingSpec spec, TrainingCheckpoint resumeFrom,
                                   TrainingObserver observer) {
        Objects.requireNonNull(spec.seed(), "seed");
        Objects.requireNonNull(spec.trainExamples(), "trainExamples");
        if (resumeFrom != null && resumeFrom.epochsDone() > spec.epochs()) {
            throw new IllegalArgumentException("checkpoint after epoch " + resumeFrom.epochsDone()
                    + " of a spec with " + spec.epochs() + " epochs");
        }
        FashionMnist data = dataSet.get();
        observer.started(device);

        ShuffledSubset examples = ShuffledSubset.of(data.train().count(), spec.trainExamples(), spec.seed());
        MultiLayerNetwork network = resumeFrom == null
                ? LeNetFactory.build(spec.variant(), spec.learningRate(), spec.seed())
                : restore(resumeFrom);
        TrainAccuracyListener accuracy = new TrainAccuracyListener();
        network.setListeners(accuracy);

        int batchSize = spec.batchSize();
        int batchesPerEpoch = (examples.size() + batchSize - 1) / batchSize;
        List<EpochMetrics> history = new ArrayList<>(spec.epochs());
        long totalTrainingNanos = resumeFrom == null ? 0 : resumeFrom.trainingNanos();
        long totalExamples = resumeFrom == null ? 0 : resumeFrom.examplesTrained();
        int firstEpoch = resumeFrom == null ? 1 : resumeFrom.epochsDone() + 1;
        for (int epoch = firstEpoch; epoch <= spec.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            int[] order = examples.orderForEpoch(epoch);
            double lossSum = 0;
            long correct = 0;
            for (int batch = 0; batch < batchesPerEpoch; batch++) {
                if (observer.isCancellationRequested()) {
                    throw new TrainingCancelledException(epoch);
                }
                int from = batch * batchSize;
                int size = Math.min(batchSize, order.length - from);
                int[] labels = new int[size];
                INDArray features = Batches.features(data.train(), order, from, size);
                INDArray oneHot = Batches.oneHotLabels(data.train(), order, from, size, labels);
                accuracy.expect(labels);
                network.fit(new DataSet(features, oneHot));
                double loss = network.score();
                if (!Double.isFinite(loss)) {
                    throw new TrainingFailedException("loss became " + loss + " in epoch " + epoch + ", minibatch "
                            + (batch + 1) + ": the learning rate " + spec.learningRate() + " is probably too high");
                }
                lossSum += loss * size;
                correct += accuracy.correct();
                observer.batchFinished(epoch, batch + 1, batchesPerEpoch);
            }
            long trainingNanos = System.nanoTime() - epochStart;
            double testAccuracy = Evaluation.accuracy(network, data.test(), evaluationBatchSize);
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            totalTrainingNanos += trainingNanos;
            totalExamples += order.length;
            EpochMetrics metrics = new EpochMetrics(epoch, lossSum / order.length, (double) correct / order.length,
                    testAccuracy, order.length / (trainingNanos / 1e9), seconds);
            history.add(metrics);
            log.debug("epoch {}: {}", epoch, metrics);
            observer.epochFinished(metrics, new TrainingCheckpoint(epoch, serialize(network, true),
                    totalTrainingNanos, totalExamples));
        }
        double examplesPerSecond = totalTrainingNanos == 0 ? 0 : totalExamples / (totalTrainingNanos / 1e9);
        return new TrainingResult(List.copyOf(history), examplesPerSecond, device, serialize(network, false));
    }

    private static MultiLayerNetwork restore(TrainingCheckpoint checkpoint) {
        try {
            return LeNetFactory.withTrainingHelpers(ModelSerializer.restoreMultiLayerNetwork(
                    new ByteArrayInputStream(checkpoint.network()), true));
        } catch (IOException | RuntimeException e) {
            throw new TrainingFailedException("the checkpoint after epoch " + checkpoint.epochsDone()
                    + " cannot be read: " + e.getMessage());
        }
    }

    /** @param withUpdater a checkpoint carries the updater state; a finished model does not need it */
    private static byte[] serialize(MultiLayerNetwork network, boolean withUpdater) {
        try {
            ByteArrayOutputStream zip = new ByteArrayOutputStream(512 * 1024);
            ModelSerializer.writeModel(network, zip, withUpdater);
            return zip.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not serialize the network", e);
        }
    }
}
