package com.trainingservice.training.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, downloads if need be, and reads Fashion-MNIST.
 * <p>
 * Directories are searched in this order, and one is used only if it holds all four files
 * ({@link FashionMnistFiles#ALL}): the configured directory (if any), the Debian package's directory
 * ({@value #DEBIAN_DIRECTORY}, package dataset-fashion-mnist), the cache directory. If none does and download
 * is enabled, the files missing from the cache directory are downloaded into it.
 * <p>
 * Each {@link #load()} reads the files anew; share the result through {@link FashionMnistProvider}.
 */
public final class FashionMnistLoader {

    private static final Logger log = LoggerFactory.getLogger(FashionMnistLoader.class);

    public static final String DEBIAN_DIRECTORY = "/usr/share/datasets/fashion-mnist";

    /**
     * How many images each split must hold; 0 accepts any count (for generated test data).
     * Image and label counts must agree in any case.
     */
    public record ExpectedCounts(int train, int test) {
        public static final ExpectedCounts FASHION_MNIST = new ExpectedCounts(FashionMnist.TRAIN_COUNT, FashionMnist.TEST_COUNT);
        public static final ExpectedCounts ANY = new ExpectedCounts(0, 0);
    }

    private final DatasetProperties properties;
    private final Path systemDirectory;
    private final ExpectedCounts expectedCounts;
    private final FashionMnistDownloader downloader;

    /** Searches the Debian package's directory and expects the full 60000/10000 images. */
    public FashionMnistLoader(DatasetProperties properties) {
        this(properties, Path.of(DEBIAN_DIRECTORY), ExpectedCounts.FASHION_MNIST);
    }

    /**
     * @param systemDirectory searched between the configured and the cache directory; normally
     *                        {@value #DEBIAN_DIRECTORY}
     */
    public FashionMnistLoader(DatasetProperties properties, Path systemDirectory, ExpectedCounts expectedCounts) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.systemDirectory = Objects.requireNonNull(systemDirectory, "systemDirectory");
        this.expectedCounts = Objects.requireNonNull(expectedCounts, "expectedCounts");
        this.downloader = new FashionMnistDownloader(properties.download());
    }

    /** Locates (downloading if need be and enabled) and reads the data set; throws {@link DatasetException}. */
    public FashionMnist load() {
        long start = System.nanoTime();
        Path directory = locate().orElseGet(this::downloadIntoCache);
        FashionMnist data = read(directory);
        log.info("Loaded Fashion-MNIST ({} training, {} test images) from {} in {} ms",
                data.train().count(), data.test().count(), directory.toAbsolutePath(),
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        return data;
    }

    /** The first directory, in search order, that holds all four files; nothing is downloaded. */
    public Optional<Path> locate() {
        return searchedDirectories().stream().filter(dir -> missingFiles(dir).isEmpty()).findFirst();
    }

    /** The directories searched, in order. */
    public List<Path> searchedDirectories() {
        List<Path> directories = new ArrayList<>();
        if (properties.directory() != null) {
            directories.add(properties.directory());
        }
        directories.add(systemDirectory);
        directories.add(properties.cacheDirectory());
        return directories;
    }

    /** Reads the four files from {@code directory} and checks them against each other and the expected counts. */
    public FashionMnist read(Path directory) {
        FashionMnist.Split train = readSplit(directory.resolve(FashionMnistFiles.TRAIN_IMAGES),
                directory.resolve(FashionMnistFiles.TRAIN_LABELS), expectedCounts.train());
        FashionMnist.Split test = readSplit(directory.resolve(FashionMnistFiles.TEST_IMAGES),
                directory.resolve(FashionMnistFiles.TEST_LABELS), expectedCounts.test());
        return new FashionMnist(train, test);
    }

    private static FashionMnist.Split readSplit(Path imagesFile, Path labelsFile, int expectedCount) {
        IdxReader.Images images = IdxReader.readImages(imagesFile, FashionMnist.ROWS, FashionMnist.COLS);
        if (expectedCount > 0 && images.count() != expectedCount) {
            throw new DatasetException(imagesFile + ": " + images.count() + " images, expected " + expectedCount);
        }
        byte[] labels = IdxReader.readLabels(labelsFile, FashionMnist.CLASS_COUNT);
        if (labels.length != images.count()) {
            throw new DatasetException(labelsFile + ": " + labels.length + " labels, but " + imagesFile + " holds "
                    + images.count() + " images");
        }
        return new FashionMnist.Split(images.count(), images.rows(), images.cols(), images.pixels(), labels);
    }

    private Path downloadIntoCache() {
        if (!properties.download().enabled()) {
            throw notFound();
        }
        Path cache = properties.cacheDirectory();
        log.info("Fashion-MNIST not found in {}; downloading it from {}", searchedDirectories(),
                properties.download().baseUrl());
        // Files already in the cache were verified when they were downloaded; fetch only the rest.
        for (String fileName : missingFiles(cache)) {
            downloader.download(fileName, cache);
        }
        return cache;
    }

    private DatasetException notFound() {
        StringBuilder message = new StringBuilder("Fashion-MNIST not found: no directory holds all four files. Searched:");
        for (Path dir : searchedDirectories()) {
            message.append("\n  ").append(dir.toAbsolutePath());
            if (!Files.isDirectory(dir)) {
                message.append(" (no such directory)");
            } else {
                message.append(" (missing ").append(String.join(", ", missingFiles(dir))).append(')');
            }
        }
        message.append("\nDownload is disabled (training-service.dataset.download.enabled=false). To fix, either")
                .append("\n  install the Debian package: apt-get install dataset-fashion-mnist,")
                .append("\n  or set training-service.dataset.directory to a directory holding ")
                .append(String.join(", ", FashionMnistFiles.ALL)).append(',')
                .append("\n  or enable the download: training-service.dataset.download.enabled=true.");
        return new DatasetException(message.toString());
    }

    private static List<String> missingFiles(Path directory) {
        return FashionMnistFiles.ALL.stream()
                .filter(name -> !Files.isRegularFile(directory.resolve(name)))
                .toList();
    }
}
