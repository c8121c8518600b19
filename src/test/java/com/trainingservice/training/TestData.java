package com.trainingservice.training;

import com.trainingservice.training.data.DatasetProperties;
import com.trainingservice.training.data.FashionMnist;
import com.trainingservice.training.data.FashionMnistLoader;

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

    private static FashionMnist.Split first(FashionMnist.Split split, int count) {
        byte[] pixels = new byte[count * split.pixelsPerImage()];
        split.pixels().get(pixels);
        byte[] labels = new byte[count];
        split.labels().get(labels);
        return new FashionMnist.Split(count, split.rows(), split.cols(), pixels, labels);
    }
}
