package com.trainingservice.training;

import com.trainingservice.training.data.DatasetProperties;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import com.trainingservice.training.data.FashionMnist;
import com.trainingservice.training.data.FashionMnistLoader;
import org.nd4j.linalg.dataset.DataSet;

/** The real Fashion-MNIST, loaded once per test JVM, and small slices of it for fast training tests. */
public final class TestData {

    private static FashionMnist full;

    private TestData() {
    }

    public static synchronized FashionMnist full() {
        if (full == null) {
            full = new FashionMnistLoader(DatasetProperties.defaults()).load();
        }
        return full;
    }

    /** The first {@code trainImages} training and {@code testImages} test images of the real data. */
    public static FashionMnist slice(int trainImages, int testImages) {
        FashionMnist data = full();
        return new FashionMnist(first(data.train(), trainImages), first(data.test(), testImages));
    }

    /** Images [first, first + count) of a split with their one-hot labels, as training gets them. */
    public static DataSet batch(FashionMnist.Split split, int first, int count) {
        int[] order = java.util.stream.IntStream.range(first, first + count).toArray();
        return new DataSet(Batches.features(split, first, count),
                Batches.oneHotLabels(split, order, 0, count, new int[count]));
    }

    /** Image {@code image} of a split as a grey PNG, which predict turns back into exactly its pixels. */
    public static byte[] png(FashionMnist.Split split, int image) {
        BufferedImage grey = new BufferedImage(split.cols(), split.rows(), BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < split.pixelsPerImage(); p++) {
            grey.getRaster().setSample(p % split.cols(), p / split.cols(), 0, split.pixelValue(image, p));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(grey, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static FashionMnist.Split first(FashionMnist.Split split, int count) {
        byte[] pixels = new byte[count * split.pixelsPerImage()];
        split.pixels().get(pixels);
        byte[] labels = new byte[count];
        split.labels().get(labels);
        return new FashionMnist.Split(count, split.rows(), split.cols(), pixels, labels);
    }
}
