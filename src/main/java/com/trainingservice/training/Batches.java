package com.trainingservice.training;

import com.trainingservice.training.data.FashionMnist;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches gathered straight from the data set's bytes: the data set stays 47 MB of bytes
 * shared by every job, and a batch costs one small float array.
 */
final class Batches {

    static final int CLASSES = 10;
    private static final float SCALE = 1f / 255f;

    private Batches() {
    }

    /** Rows {@code order[from..from+size)} as [size, rows*cols] floats in [0, 1]. */
    static INDArray features(FashionMnist.Split split, int[] order, int from, int size) {
        int pixelsPerImage = split.rows() * split.cols();
        byte[] pixels = split.pixels();
        float[] batch = new float[size * pixelsPerImage];
        for (int row = 0; row < size; row++) {
            int source = order[from + row] * pixelsPerImage;
            int target = row * pixelsPerImage;
            for (int p = 0; p < pixelsPerImage; p++) {
                batch[target + p] = (pixels[source + p] & 0xFF) * SCALE;
            }
        }
        return Nd4j.create(batch, new long[] {size, pixelsPerImage}, DataType.FLOAT);
    }

    /** Consecutive rows {@code [from, from+size)}, for evaluation. */
    static INDArray features(FashionMnist.Split split, int from, int size) {
        int pixelsPerImage = split.rows() * split.cols();
        byte[] pixels = split.pixels();
        float[] batch = new float[size * pixelsPerImage];
        int offset = from * pixelsPerImage;
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (pixels[offset + i] & 0xFF) * SCALE;
        }
        return Nd4j.create(batch, new long[] {size, pixelsPerImage}, DataType.FLOAT);
    }

    /** One-hot labels of rows {@code order[from..from+size)}; their class indices go into {@code classes}. */
    static INDArray oneHotLabels(FashionMnist.Split split, int[] order, int from, int size, int[] classes) {
        byte[] labels = split.labels();
        float[] oneHot = new float[size * CLASSES];
        for (int row = 0; row < size; row++) {
            int label = labels[order[from + row]];
            classes[row] = label;
            oneHot[row * CLASSES + label] = 1f;
        }
        return Nd4j.create(oneHot, new long[] {size, CLASSES}, DataType.FLOAT);
    }
}
