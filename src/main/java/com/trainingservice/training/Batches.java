package com.trainingservice.training;

import com.trainingservice.training.data.FashionMnist;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches gathered straight from the data set's bytes: the data set stays 47 MB of bytes
 * shared by every job, and a batch costs one small float array.
 */
final class Batches {

    private Batches() {
    }

    /** Images {@code order[from..from+size)} as [size, rows*cols] floats in [0, 1]. */
    static INDArray features(FashionMnist.Split split, int[] order, int from, int size) {
        int pixelsPerImage = split.pixelsPerImage();
        float[] batch = new float[size * pixelsPerImage];
        for (int row = 0; row < size; row++) {
            split.copyImages(order[from + row], 1, batch, row * pixelsPerImage);
        }
        return matrix(batch, size, pixelsPerImage);
    }

    /** Consecutive images {@code [from, from+size)}, for evaluation. */
    static INDArray features(FashionMnist.Split split, int from, int size) {
        int pixelsPerImage = split.pixelsPerImage();
        float[] batch = new float[size * pixelsPerImage];
        split.copyImages(from, size, batch, 0);
        return matrix(batch, size, pixelsPerImage);
    }

    /** One-hot labels of images {@code order[from..from+size)}; their class indices go into {@code classes}. */
    static INDArray oneHotLabels(FashionMnist.Split split, int[] order, int from, int size, int[] classes) {
        float[] oneHot = new float[size * FashionMnist.CLASS_COUNT];
        for (int row = 0; row < size; row++) {
            int label = split.label(order[from + row]);
            classes[row] = label;
            oneHot[row * FashionMnist.CLASS_COUNT + label] = 1f;
        }
        return matrix(oneHot, size, FashionMnist.CLASS_COUNT);
    }

    /**
     * A c-order [rows, columns] float array of {@code values}, copied in one block: ND4J's
     * {@code create(float[], shape, type)} writes element by element (0.9 ms for a batch of 256 images against
     * 0.4 ms), on the training thread, every step.
     */
    private static INDArray matrix(float[] values, int rows, int columns) {
        return Nd4j.create(Nd4j.createBuffer(values), rows, columns);
    }
}
