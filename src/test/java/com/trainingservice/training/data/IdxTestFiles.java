package com.trainingservice.training.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Generates small IDX files with known, position-dependent pixel values and labels. */
final class IdxTestFiles {

    static final int TRAIN_SEED = 0;
    static final int TEST_SEED = 100;

    private IdxTestFiles() {
    }

    static int pixelValue(int seed, int image, int p) {
        return (seed + image * 7 + p) & 0xFF;
    }

    static int label(int seed, int image) {
        return (seed + image) % 10;
    }

    /** Uncompressed IDX images: header and count*rows*cols pixels. */
    static byte[] images(int seed, int count, int rows, int cols) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + count * rows * cols);
        buffer.putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * cols; p++) {
                buffer.put((byte) pixelValue(seed, i, p));
            }
        }
        return buffer.array();
    }

    /** Uncompressed IDX labels: header and count labels. */
    static byte[] labels(int seed, int count) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + count);
        buffer.putInt(IdxReader.LABELS_MAGIC).putInt(count);
        for (int i = 0; i < count; i++) {
            buffer.put((byte) label(seed, i));
        }
        return buffer.array();
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The four gzipped files of a small, valid data set. */
    static Map<String, byte[]> dataSet(int trainCount, int testCount) {
        return Map.of(
                FashionMnistFiles.TRAIN_IMAGES, gzip(images(TRAIN_SEED, trainCount, 28, 28)),
                FashionMnistFiles.TRAIN_LABELS, gzip(labels(TRAIN_SEED, trainCount)),
                FashionMnistFiles.TEST_IMAGES, gzip(images(TEST_SEED, testCount, 28, 28)),
                FashionMnistFiles.TEST_LABELS, gzip(labels(TEST_SEED, testCount)));
    }

    static Path writeDataSet(Path directory, int trainCount, int testCount) {
        dataSet(trainCount, testCount).forEach((name, content) -> write(directory.resolve(name), content));
        return directory;
    }
}
