package com.trainingservice.inference;

import com.trainingservice.training.network.OneDnnHelpers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * A trained model ready to predict from many threads at once. DL4J networks are not thread-safe
 * (deeplearning4j#9993), so each concurrent call borrows its own copy from a small pool; copies are
 * made on demand from a template that never predicts itself, up to {@code maxCopies}.
 */
final class LoadedModel {

    private final MultiLayerNetwork template;
    private final BlockingQueue<MultiLayerNetwork> idle;
    private final int maxCopies;
    private int copies;
    private volatile long checkedAt = System.nanoTime();

    LoadedModel(byte[] artifact, int maxCopies) {
        OneDnnHelpers.configure();   // before the layers are created, which is when DL4J attaches helpers
        try {
            this.template = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(artifact), false);
        } catch (IOException e) {
            throw new UncheckedIOException("the model artifact could not be read", e);
        }
        this.maxCopies = maxCopies;
        this.idle = new ArrayBlockingQueue<>(maxCopies);
    }

    /** Whether its job was last found SUCCEEDED before {@code nanoTime} ({@link System#nanoTime()}); at first: when loaded. */
    boolean checkedBefore(long nanoTime) {
        return checkedAt - nanoTime < 0;
    }

    void checked(long nanoTime) {
        checkedAt = nanoTime;
    }

    /**
     * @param pixels one row of 784 values in [0, 1] per image
     * @return one row of 10 class probabilities per image
     */
    float[][] predict(float[][] pixels) {
        int pixelsPerImage = pixels[0].length;
        float[] flat = new float[pixels.length * pixelsPerImage];
        for (int i = 0; i < pixels.length; i++) {
            System.arraycopy(pixels[i], 0, flat, i * pixelsPerImage, pixelsPerImage);
        }
        // one core per prediction: requests run side by side, one network copy per core, instead of every
        // request's OpenMP team contending for all cores (a team per request thread: oversubscribed at once)
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
        MultiLayerNetwork network = borrow();
        try {
            INDArray output = network.output(Nd4j.create(flat, new long[] {pixels.length, pixelsPerImage}, DataType.FLOAT), false);
            return output.toFloatMatrix();
        } finally {
            idle.offer(network);
        }
    }

    private MultiLayerNetwork borrow() {
        MultiLayerNetwork network = idle.poll();
        if (network != null) {
            return network;
        }
        synchronized (this) {
            if (copies < maxCopies) {
                copies++;
                return template.clone();
            }
        }
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a free network", e);
        }
    }
}
