package com.trainingservice.training.data;

import java.nio.file.Path;

/**
 * Writes the seed inputs of {@link IdxReaderFuzzTest}: tiny valid IDX files, raw and gzipped
 * (generated, not Fashion-MNIST data). Run from the repository root after test-compile:
 * {@code java -cp target/classes:target/test-classes com.trainingservice.training.data.IdxFuzzSeeds}.
 */
final class IdxFuzzSeeds {

    private IdxFuzzSeeds() {
    }

    public static void main(String[] args) {
        Path inputs = Path.of("src/test/resources/com/trainingservice/training/data/IdxReaderFuzzTestInputs");
        Path images = inputs.resolve("images");
        for (int[] shape : new int[][] {{0, 28, 28}, {1, 28, 28}, {3, 2, 3}}) {
            byte[] raw = IdxTestFiles.images(1, shape[0], shape[1], shape[2]);
            String name = "seed-" + shape[0] + "x" + shape[1] + "x" + shape[2];
            IdxTestFiles.write(images.resolve(name + "-idx"), raw);
            IdxTestFiles.write(images.resolve(name + "-idx-gzip"), IdxTestFiles.gzip(raw));
        }
        Path labels = inputs.resolve("labels");
        for (int count : new int[] {0, 1, 12}) {
            byte[] raw = IdxTestFiles.labels(1, count);
            IdxTestFiles.write(labels.resolve("seed-" + count + "-idx"), raw);
            IdxTestFiles.write(labels.resolve("seed-" + count + "-idx-gzip"), IdxTestFiles.gzip(raw));
        }
    }
}
