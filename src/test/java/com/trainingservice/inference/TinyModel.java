package com.trainingservice.inference;

import com.trainingservice.job.JobResult;
import com.trainingservice.job.JobState;
import com.trainingservice.job.JobView;
import com.trainingservice.training.TestData;
import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import com.trainingservice.training.data.FashionMnist;
import com.trainingservice.training.network.LeNetFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A LeNet-BN trained for a few minibatches on real Fashion-MNIST (so its batch-norm running statistics are
 * far from their initial 0 and 1), made once per test JVM, with its serialized artifact and real test images.
 */
final class TinyModel {

    static final int TEST_IMAGES = 100;
    private static final int TRAIN_IMAGES = 320;
    private static final int BATCH_SIZE = 16;
    private static final int EPOCHS = 1;

    private static TinyModel instance;

    final MultiLayerNetwork network;
    final byte[] artifact;
    final FashionMnist.Split test;

    private TinyModel() {
        FashionMnist data = TestData.slice(TRAIN_IMAGES, TEST_IMAGES);
        network = LeNetFactory.build(Variant.LENET_BN, 0.9, 1);
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (int first = 0; first < TRAIN_IMAGES; first += BATCH_SIZE) {
                network.fit(batch(data.train(), first, BATCH_SIZE));
            }
        }
        test = data.test();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(network, out, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        artifact = out.toByteArray();
    }

    static synchronized TinyModel get() {
        if (instance == null) {
            instance = new TinyModel();
        }
        return instance;
    }

    /** Test image {@code i} as 784 values in [0, 1]. */
    float[] image(int i) {
        float[] pixels = new float[784];
        test.copyImages(i, 1, pixels, 0);
        return pixels;
    }

    /** Test image {@code i} as a grey PNG. */
    byte[] png(int i) {
        return TestData.png(test, i);
    }

    /** How the job service shows the job behind a model in state {@code state}. */
    static JobView jobView(UUID id, JobState state) {
        TrainingSpec spec = new TrainingSpec(Variant.LENET_BN, 0.9, 1, 16, 1L, 320);
        Instant created = Instant.parse("2025-01-02T03:04:05Z");
        boolean succeeded = state == JobState.SUCCEEDED;
        return new JobView(id, state, spec, new JobView.Progress(1, 1, succeeded ? 1 : 0.5), null,
                succeeded ? new JobResult(1.2, 0.4, 0.35, 500, "cpu") : null, created, created.plusSeconds(1),
                succeeded ? created.plusSeconds(300) : null, null);
    }

    /** The original network's probabilities; the network is shared, so one caller at a time. */
    synchronized float[][] expected(float[][] images) {
        INDArray input = Nd4j.create(images).castTo(DataType.FLOAT);
        return network.output(input, false).toFloatMatrix();
    }

    private static DataSet batch(FashionMnist.Split split, int first, int count) {
        float[] features = new float[count * 784];
        split.copyImages(first, count, features, 0);
        float[][] labels = new float[count][10];
        for (int i = 0; i < count; i++) {
            labels[i][split.label(first + i)] = 1;
        }
        return new DataSet(Nd4j.create(features, new long[] {count, 784}, DataType.FLOAT),
                Nd4j.create(labels).castTo(DataType.FLOAT));
    }
}
