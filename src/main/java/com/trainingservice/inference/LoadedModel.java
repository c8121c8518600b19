package com.trainingservice.inference;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained model ready to predict from many threads at once. DL4J networks are not thread-safe
 * (deeplearning4j#9993), so each forward pass borrows its own copy from a small pool; copies are
 * made on demand from a template that never predicts itself, up to {@code maxCopies}.
 *
 * <p>Requests that arrive while every copy is busy are batched: the caller that gets the next free
 * copy runs one forward pass for all waiting requests (up to {@code maxBatchRows} images) and hands
 * each its rows. On a CPU a forward pass of one image costs nearly as much as one of a few dozen
 * (ND4J's per-op overhead dominates), so under load this serves many more requests per second.
 * No request waits for others to arrive: batches form only from the queue that builds up anyway.
 */
final class LoadedModel {

    static final int DEFAULT_MAX_BATCH_ROWS = 256;

    private final MultiLayerNetwork template;
    private final BlockingQueue<MultiLayerNetwork> idle;
    private final int maxCopies;
    private final int maxBatchRows;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final Object monitor = new Object();
    private int copies;

    LoadedModel(byte[] artifact, int maxCopies) {
        this(artifact, maxCopies, DEFAULT_MAX_BATCH_ROWS);
    }

    LoadedModel(byte[] artifact, int maxCopies, int maxBatchRows) {
        try {
            this.template = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(artifact), false);
        } catch (IOException e) {
            throw new UncheckedIOException("the model artifact could not be read", e);
        }
        this.maxCopies = maxCopies;
        this.maxBatchRows = maxBatchRows;
        this.idle = new ArrayBlockingQueue<>(maxCopies);
    }

    /** One request's images and, once predicted, its probabilities or failure. */
    private static final class Pending {
        final float[][] pixels;
        volatile float[][] probabilities;
        volatile RuntimeException failure;
        volatile boolean done;

        Pending(float[][] pixels) {
            this.pixels = pixels;
        }
    }

    /**
     * @param pixels one row of 784 values in [0, 1] per image
     * @return one row of 10 class probabilities per image
     */
    float[][] predict(float[][] pixels) {
        Pending mine = new Pending(pixels);
        pending.add(mine);
        while (!mine.done) {
            MultiLayerNetwork network = tryBorrow();
            if (network != null) {
                try {
                    runBatch(network);
                } finally {
                    idle.offer(network);
                    synchronized (monitor) {
                        monitor.notifyAll();
                    }
                }
            } else {
                awaitDoneOrFreeNetwork(mine);
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.probabilities;
    }

    /** Predicts the oldest waiting requests, at least one, in one forward pass. */
    private void runBatch(MultiLayerNetwork network) {
        List<Pending> batch = new ArrayList<>();
        int rows = 0;
        for (Pending next = pending.peek(); next != null; next = pending.peek()) {
            if (!batch.isEmpty() && rows + next.pixels.length > maxBatchRows) {
                break;
            }
            if (pending.remove(next)) {
                batch.add(next);
                rows += next.pixels.length;
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            int pixelsPerImage = batch.get(0).pixels[0].length;
            float[] flat = new float[rows * pixelsPerImage];
            int row = 0;
            for (Pending request : batch) {
                for (float[] image : request.pixels) {
                    System.arraycopy(image, 0, flat, row++ * pixelsPerImage, pixelsPerImage);
                }
            }
            INDArray output = network.output(Nd4j.create(flat, new long[] {rows, pixelsPerImage}, DataType.FLOAT), false);
            float[][] probabilities = output.toFloatMatrix();
            row = 0;
            for (Pending request : batch) {
                float[][] own = new float[request.pixels.length][];
                for (int i = 0; i < own.length; i++) {
                    own[i] = probabilities[row++];
                }
                request.probabilities = own;
            }
        } catch (RuntimeException e) {
            for (Pending request : batch) {
                request.failure = e;
            }
        } finally {
            for (Pending request : batch) {
                request.done = true;
            }
        }
    }

    private MultiLayerNetwork tryBorrow() {
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
        return null;
    }

    private void awaitDoneOrFreeNetwork(Pending mine) {
        synchronized (monitor) {
            while (!mine.done && idle.isEmpty() && !canCopy()) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a free network", e);
                }
            }
        }
    }

    private synchronized boolean canCopy() {
        return copies < maxCopies;
    }
}
