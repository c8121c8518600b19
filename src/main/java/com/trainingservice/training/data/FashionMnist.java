package com.trainingservice.training.data;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Fashion-MNIST in memory: immutable, meant to be loaded once and shared read-only by all training jobs.
 *
 * @param train the training split (60000 images in the real set)
 * @param test  the test split (10000 images in the real set)
 */
public record FashionMnist(Split train, Split test) {

    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int TRAIN_COUNT = 60_000;
    public static final int TEST_COUNT = 10_000;

    /** Class names by label, 0..9. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    public static final int CLASS_COUNT = CLASS_NAMES.size();

    public FashionMnist {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }

    public static String className(int label) {
        return CLASS_NAMES.get(label);
    }

    /**
     * One split: {@code count} grayscale images of {@code rows} x {@code cols} unsigned-byte pixels with their labels.
     * The arrays are not copied (the training set is 47 MB) and never handed out: read them through
     * {@link #pixel}, {@link #copyImages} or the read-only views {@link #pixels()} and {@link #labels()}.
     */
    public static final class Split {

        private final int count;
        private final int rows;
        private final int cols;
        private final byte[] pixels;
        private final byte[] labels;

        /**
         * Takes the arrays over without copying them; the caller must not modify them afterwards.
         *
         * @param pixels count*rows*cols unsigned bytes, image after image, each row-major
         * @param labels count labels, each in 0..9
         */
        public Split(int count, int rows, int cols, byte[] pixels, byte[] labels) {
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new IllegalArgumentException("invalid shape " + count + "x" + rows + "x" + cols);
            }
            if (pixels.length != (long) count * rows * cols) {
                throw new IllegalArgumentException("expected " + (long) count * rows * cols + " pixels for " + count
                        + " images of " + rows + "x" + cols + ", got " + pixels.length);
            }
            if (labels.length != count) {
                throw new IllegalArgumentException("expected " + count + " labels, got " + labels.length);
            }
            for (int i = 0; i < count; i++) {
                if (Byte.toUnsignedInt(labels[i]) >= CLASS_COUNT) {
                    throw new IllegalArgumentException("label " + Byte.toUnsignedInt(labels[i]) + " at index " + i
                            + " is out of range 0.." + (CLASS_COUNT - 1));
                }
            }
            this.count = count;
            this.rows = rows;
            this.cols = cols;
            this.pixels = pixels;
            this.labels = labels;
        }

        public int count() {
            return count;
        }

        public int rows() {
            return rows;
        }

        public int cols() {
            return cols;
        }

        public int pixelsPerImage() {
            return rows * cols;
        }

        /** The label of image {@code image}, 0..9. */
        public int label(int image) {
            return Byte.toUnsignedInt(labels[checkImage(image)]);
        }

        /** Pixel {@code p} (row-major: row * cols + col) of image {@code image} as 0..255. */
        public int pixelValue(int image, int p) {
            return Byte.toUnsignedInt(pixels[pixelIndex(image, p)]);
        }

        /** Pixel {@code p} (row-major: row * cols + col) of image {@code image} scaled to [0, 1]. */
        public float pixel(int image, int p) {
            return pixelValue(image, p) / 255f;
        }

        /**
         * Copies {@code imageCount} images starting at {@code firstImage} into {@code target} from
         * {@code targetOffset} on, each pixel scaled to [0, 1]: the layout of a [batch, rows*cols] feature matrix.
         */
        public void copyImages(int firstImage, int imageCount, float[] target, int targetOffset) {
            Objects.checkFromIndexSize(firstImage, imageCount, count);
            int size = imageCount * pixelsPerImage();
            Objects.checkFromIndexSize(targetOffset, size, target.length);
            int from = firstImage * pixelsPerImage();
            for (int i = 0; i < size; i++) {
                target[targetOffset + i] = Byte.toUnsignedInt(pixels[from + i]) / 255f;
            }
        }

        /** Read-only view of all pixels (unsigned bytes, image after image, row-major); no copy is made. */
        public ByteBuffer pixels() {
            return ByteBuffer.wrap(pixels).asReadOnlyBuffer();
        }

        /** Read-only view of all labels (one unsigned byte per image); no copy is made. */
        public ByteBuffer labels() {
            return ByteBuffer.wrap(labels).asReadOnlyBuffer();
        }

        /** How many images each class has, indexed by label. */
        public int[] labelHistogram() {
            int[] histogram = new int[CLASS_COUNT];
            for (byte label : labels) {
                histogram[Byte.toUnsignedInt(label)]++;
            }
            return histogram;
        }

        private int checkImage(int image) {
            return Objects.checkIndex(image, count);
        }

        private int pixelIndex(int image, int p) {
            return checkImage(image) * pixelsPerImage() + Objects.checkIndex(p, pixelsPerImage());
        }

        @Override
        public String toString() {
            return "Split[" + count + " images of " + rows + "x" + cols + "]";
        }
    }
}
