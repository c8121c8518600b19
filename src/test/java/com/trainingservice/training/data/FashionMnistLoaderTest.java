package com.trainingservice.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.trainingservice.training.data.FashionMnistLoader.ExpectedCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistLoaderTest {

    @TempDir
    Path tmp;

    private DatasetProperties properties(Path directory, boolean downloadEnabled) {
        return new DatasetProperties(directory, tmp.resolve("cache"),
                new DatasetProperties.Download(downloadEnabled, null, null, null), false);
    }

    private FashionMnistLoader loader(Path directory, Path systemDirectory) {
        return new FashionMnistLoader(properties(directory, false), systemDirectory, ExpectedCounts.ANY);
    }

    @Test
    void loadsGeneratedDataSetFromConfiguredDirectory() {
        Path dir = IdxTestFiles.writeDataSet(tmp.resolve("configured"), 20, 10);

        FashionMnist data = loader(dir, tmp.resolve("no-system")).load();

        assertThat(data.train().count()).isEqualTo(20);
        assertThat(data.test().count()).isEqualTo(10);
        assertThat(data.train().rows()).isEqualTo(28);
        assertThat(data.train().cols()).isEqualTo(28);
        assertThat(data.train().pixelValue(3, 200)).isEqualTo(IdxTestFiles.pixelValue(IdxTestFiles.TRAIN_SEED, 3, 200));
        assertThat(data.test().pixelValue(9, 783)).isEqualTo(IdxTestFiles.pixelValue(IdxTestFiles.TEST_SEED, 9, 783));
        assertThat(data.train().pixel(3, 200))
                .isEqualTo(IdxTestFiles.pixelValue(IdxTestFiles.TRAIN_SEED, 3, 200) / 255f);
        assertThat(data.train().label(13)).isEqualTo(IdxTestFiles.label(IdxTestFiles.TRAIN_SEED, 13));
        assertThat(data.test().label(4)).isEqualTo(IdxTestFiles.label(IdxTestFiles.TEST_SEED, 4));
        assertThat(data.train().labelHistogram()).containsExactly(2, 2, 2, 2, 2, 2, 2, 2, 2, 2);
    }

    @Test
    void copiesImagesAsScaledFloats() {
        FashionMnist data = loader(IdxTestFiles.writeDataSet(tmp.resolve("d"), 20, 10), tmp.resolve("none")).load();
        float[] batch = new float[1 + 2 * 784];

        data.train().copyImages(5, 2, batch, 1);

        assertThat(batch[0]).isZero();
        assertThat(batch[1]).isEqualTo(data.train().pixel(5, 0));
        assertThat(batch[1 + 784 + 17]).isEqualTo(data.train().pixel(6, 17));
        assertThat(batch[2 * 784]).isEqualTo(data.train().pixel(6, 783));
    }

    @Test
    void exposesArraysOnlyReadOnly() {
        FashionMnist data = loader(IdxTestFiles.writeDataSet(tmp.resolve("d"), 20, 10), tmp.resolve("none")).load();

        assertThat(data.train().pixels().isReadOnly()).isTrue();
        assertThat(data.train().pixels().remaining()).isEqualTo(20 * 784);
        assertThat(data.train().labels().isReadOnly()).isTrue();
        assertThat(FashionMnist.CLASS_NAMES).hasSize(10).startsWith("T-shirt/top").endsWith("Ankle boot");
        assertThat(FashionMnist.className(7)).isEqualTo("Sneaker");
    }

    @Test
    void searchesConfiguredThenSystemThenCacheDirectory() {
        Path configured = IdxTestFiles.writeDataSet(tmp.resolve("configured"), 20, 10);
        Path system = IdxTestFiles.writeDataSet(tmp.resolve("system"), 20, 10);
        IdxTestFiles.writeDataSet(tmp.resolve("cache"), 20, 10);

        assertThat(loader(configured, system).locate()).contains(configured);
        assertThat(loader(null, system).locate()).contains(system);
        assertThat(loader(null, tmp.resolve("none")).locate()).contains(tmp.resolve("cache"));
        assertThat(loader(configured, system).searchedDirectories())
                .containsExactly(configured, system, tmp.resolve("cache"));
    }

    @Test
    void skipsDirectoryWithoutAllFourFiles() throws Exception {
        Path configured = IdxTestFiles.writeDataSet(tmp.resolve("configured"), 20, 10);
        Files.delete(configured.resolve(FashionMnistFiles.TEST_LABELS));
        Path system = IdxTestFiles.writeDataSet(tmp.resolve("system"), 20, 10);

        assertThat(loader(configured, system).locate()).contains(system);
    }

    @Test
    void rejectsImageAndLabelCountMismatch() {
        Path dir = IdxTestFiles.writeDataSet(tmp.resolve("d"), 20, 10);
        IdxTestFiles.write(dir.resolve(FashionMnistFiles.TRAIN_LABELS), IdxTestFiles.gzip(IdxTestFiles.labels(0, 19)));

        assertThatThrownBy(() -> loader(dir, tmp.resolve("none")).load())
                .isInstanceOf(DatasetException.class)
                .hasMessage(dir.resolve(FashionMnistFiles.TRAIN_LABELS) + ": 19 labels, but "
                        + dir.resolve(FashionMnistFiles.TRAIN_IMAGES) + " holds 20 images");
    }

    @Test
    void rejectsWrongMagicNumberNamingTheFile() {
        Path dir = IdxTestFiles.writeDataSet(tmp.resolve("d"), 20, 10);
        IdxTestFiles.write(dir.resolve(FashionMnistFiles.TEST_IMAGES), IdxTestFiles.gzip(IdxTestFiles.labels(0, 10)));

        assertThatThrownBy(() -> loader(dir, tmp.resolve("none")).load())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(FashionMnistFiles.TEST_IMAGES)
                .hasMessageContaining("wrong magic number 0x00000801, expected 0x00000803");
    }

    @Test
    void rejectsTruncatedFileNamingTheFile() {
        Path dir = IdxTestFiles.writeDataSet(tmp.resolve("d"), 20, 10);
        byte[] raw = IdxTestFiles.images(0, 20, 28, 28);
        IdxTestFiles.write(dir.resolve(FashionMnistFiles.TRAIN_IMAGES),
                IdxTestFiles.gzip(Arrays.copyOf(raw, raw.length - 784)));

        assertThatThrownBy(() -> loader(dir, tmp.resolve("none")).load())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(FashionMnistFiles.TRAIN_IMAGES)
                .hasMessageContaining("truncated");
    }

    @Test
    void rejectsLabelOutOfRangeNamingTheFile() {
        Path dir = IdxTestFiles.writeDataSet(tmp.resolve("d"), 20, 10);
        byte[] raw = IdxTestFiles.labels(0, 10);
        raw[8] = (byte) 200;
        IdxTestFiles.write(dir.resolve(FashionMnistFiles.TEST_LABELS), IdxTestFiles.gzip(raw));

        assertThatThrownBy(() -> loader(dir, tmp.resolve("none")).load())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(FashionMnistFiles.TEST_LABELS)
                .hasMessageContaining("label 200 at index 0 is out of range 0..9");
    }

    @Test
    void expectsTheFullCountsUnlessToldOtherwise() {
        Path dir = IdxTestFiles.writeDataSet(tmp.resolve("d"), 20, 10);
        FashionMnistLoader strict = new FashionMnistLoader(properties(dir, false), tmp.resolve("none"),
                ExpectedCounts.FASHION_MNIST);

        assertThatThrownBy(strict::load)
                .isInstanceOf(DatasetException.class)
                .hasMessage(dir.resolve(FashionMnistFiles.TRAIN_IMAGES) + ": 20 images, expected 60000");
    }

    @Test
    void missingFilesWithDownloadDisabledExplainWhereItLookedAndHowToFix() throws Exception {
        Path configured = tmp.resolve("configured");
        IdxTestFiles.writeDataSet(configured, 20, 10);
        Files.delete(configured.resolve(FashionMnistFiles.TRAIN_IMAGES));
        Path system = tmp.resolve("no-system");

        assertThatThrownBy(() -> loader(configured, system).load())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(configured.toAbsolutePath() + " (missing " + FashionMnistFiles.TRAIN_IMAGES + ")")
                .hasMessageContaining(system.toAbsolutePath() + " (no such directory)")
                .hasMessageContaining(tmp.resolve("cache").toAbsolutePath().toString())
                .hasMessageContaining("Download is disabled")
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining("training-service.dataset.directory")
                .hasMessageContaining("training-service.dataset.download.enabled=true");
        assertThat(tmp.resolve("cache")).doesNotExist();
    }

    @Test
    void loadsTheRealDataSetFromTheDebianPackage() {
        Path debian = Path.of(FashionMnistLoader.DEBIAN_DIRECTORY);
        assumeTrue(Files.isDirectory(debian), "package dataset-fashion-mnist is not installed");
        FashionMnistLoader loader = new FashionMnistLoader(properties(null, false), debian, ExpectedCounts.FASHION_MNIST);

        FashionMnist data = loader.load();

        assertThat(data.train().count()).isEqualTo(60_000);
        assertThat(data.test().count()).isEqualTo(10_000);
        assertThat(data.train().labelHistogram()).containsOnly(6_000);
        assertThat(data.test().labelHistogram()).containsOnly(1_000);
        // the first training image of the published set is an ankle boot
        assertThat(data.train().label(0)).isEqualTo(9);
    }
}
