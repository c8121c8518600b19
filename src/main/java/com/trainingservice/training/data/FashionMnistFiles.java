package com.trainingservice.training.data;

import java.util.List;
import java.util.Map;

/** The four files of Fashion-MNIST, as published by Zalando Research and packaged by Debian. */
public final class FashionMnistFiles {

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    public static final List<String> ALL = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /**
     * MD5 of the gzipped files on the official download site (github.com/zalandoresearch/fashion-mnist README).
     * Debian's dataset-fashion-mnist re-compressed the files, so its .gz files have other checksums
     * (same content); checksums are therefore verified for downloads only.
     */
    public static final Map<String, String> PUBLISHED_MD5 = Map.of(
            TRAIN_IMAGES, "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            TRAIN_LABELS, "25c81989df183df01b3e8a0aad5dffbe",
            TEST_IMAGES, "bef4ecab320f06d8554ea6380940ec79",
            TEST_LABELS, "bb300cfdad3c16e7a12a480ee83cd310");

    private FashionMnistFiles() {
    }
}
