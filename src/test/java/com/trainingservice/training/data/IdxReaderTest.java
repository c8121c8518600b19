package com.trainingservice.training.data;

import static com.trainingservice.training.data.IdxTestFiles.gzip;
import static com.trainingservice.training.data.IdxTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    private Path imagesFile(byte[] content) {
        return write(dir.resolve("train-images-idx3-ubyte.gz"), content);
    }

    private Path labelsFile(byte[] content) {
        return write(dir.resolve("train-labels-idx1-ubyte.gz"), content);
    }

    @Test
    void readsImagesAndLabels() {
        Path images = imagesFile(gzip(IdxTestFiles.images(3, 20, 28, 28)));
        Path labels = labelsFile(gzip(IdxTestFiles.labels(3, 20)));

        IdxReader.Images read = IdxReader.readImages(images, 28, 28);
        byte[] readLabels = IdxReader.readLabels(labels, 10);

        assertThat(read.count()).isEqualTo(20);
        assertThat(read.rows()).isEqualTo(28);
        assertThat(read.cols()).isEqualTo(28);
        assertThat(read.pixels()).hasSize(20 * 784);
        assertThat(Byte.toUnsignedInt(read.pixels()[5 * 784 + 100])).isEqualTo(IdxTestFiles.pixelValue(3, 5, 100));
        assertThat(readLabels).hasSize(20);
        assertThat((int) readLabels[13]).isEqualTo(IdxTestFiles.label(3, 13));
    }

    @Test
    void readsAnEmptyFile() {
        assertThat(IdxReader.readLabels(labelsFile(gzip(IdxTestFiles.labels(0, 0))), 10)).isEmpty();
    }

    @Test
    void rejectsWrongMagicNumber() {
        Path images = imagesFile(gzip(IdxTestFiles.labels(0, 20)));

        assertThatThrownBy(() -> IdxReader.readImages(images, 28, 28))
                .isInstanceOf(DatasetException.class)
                .hasMessage(images + ": wrong magic number 0x00000801, expected 0x00000803 (IDX unsigned-byte images)");
    }

    @Test
    void rejectsWrongImageSize() {
        Path images = imagesFile(gzip(IdxTestFiles.images(0, 2, 32, 32)));

        assertThatThrownBy(() -> IdxReader.readImages(images, 28, 28))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(images.toString())
                .hasMessageContaining("images are 32x32, expected 28x28");
    }

    @Test
    void rejectsTruncatedData() {
        byte[] raw = IdxTestFiles.images(0, 20, 28, 28);
        Path images = imagesFile(gzip(Arrays.copyOf(raw, raw.length - 1)));

        assertThatThrownBy(() -> IdxReader.readImages(images, 28, 28))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(images.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("20 images of 28x28 (15680 bytes), the file holds only 15679");
    }

    @Test
    void rejectsTruncatedHeader() {
        Path images = imagesFile(gzip(Arrays.copyOf(IdxTestFiles.images(0, 1, 28, 28), 10)));

        assertThatThrownBy(() -> IdxReader.readImages(images, 28, 28))
                .isInstanceOf(DatasetException.class)
                .hasMessage(images + ": truncated: the file ends inside the IDX header");
    }

    @Test
    void rejectsTrailingGarbage() {
        Path labels = labelsFile(gzip(IdxTestFiles.concat(IdxTestFiles.labels(0, 20), new byte[] {1, 2, 3})));

        assertThatThrownBy(() -> IdxReader.readLabels(labels, 10))
                .isInstanceOf(DatasetException.class)
                .hasMessage(labels + ": 3 unexpected bytes after the data the header announces");
    }

    @Test
    void rejectsLabelOutOfRange() {
        byte[] raw = IdxTestFiles.labels(0, 20);
        raw[8 + 7] = 10;
        Path labels = labelsFile(gzip(raw));

        assertThatThrownBy(() -> IdxReader.readLabels(labels, 10))
                .isInstanceOf(DatasetException.class)
                .hasMessage(labels + ": label 10 at index 7 is out of range 0..9");
    }

    @Test
    void rejectsNegativeCount() {
        Path labels = labelsFile(gzip(ByteBuffer.allocate(8).putInt(IdxReader.LABELS_MAGIC).putInt(-1).array()));

        assertThatThrownBy(() -> IdxReader.readLabels(labels, 10))
                .isInstanceOf(DatasetException.class)
                .hasMessage(labels + ": negative count -1 in the header");
    }

    @Test
    void rejectsFileThatIsNotGzipped() {
        Path labels = labelsFile(IdxTestFiles.labels(0, 20));

        assertThatThrownBy(() -> IdxReader.readLabels(labels, 10))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(labels + ": not a valid gzip file");
    }

    @Test
    void rejectsTruncatedGzipStream() {
        byte[] gz = gzip(IdxTestFiles.images(0, 20, 28, 28));
        Path images = imagesFile(Arrays.copyOf(gz, gz.length / 2));

        assertThatThrownBy(() -> IdxReader.readImages(images, 28, 28))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(images + ": truncated gzip stream");
    }

    @Test
    void rejectsCorruptGzipTrailer() {
        byte[] gz = gzip(IdxTestFiles.labels(0, 20));
        gz[gz.length - 8] ^= 0x55; // the CRC-32 of the uncompressed data
        Path labels = labelsFile(gz);

        assertThatThrownBy(() -> IdxReader.readLabels(labels, 10))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(labels + ": not a valid gzip file");
    }

    @Test
    void reportsMissingFile() {
        Path missing = dir.resolve("t10k-labels-idx1-ubyte.gz");

        assertThatThrownBy(() -> IdxReader.readLabels(missing, 10))
                .isInstanceOf(DatasetException.class)
                .hasMessage(missing + ": file not found");
    }
}
