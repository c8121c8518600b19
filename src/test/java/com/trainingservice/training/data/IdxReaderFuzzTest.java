package com.trainingservice.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the IDX reader (Jazzer). Every input is read twice: as the file itself
 * (the fuzzer mutates the gzip stream: header flags, deflate blocks, CRC, trailer) and wrapped in a
 * valid gzip stream (the fuzzer mutates the IDX header and data). The only allowed failure is a
 * {@link DatasetException} naming the file; any other exception, an error (OutOfMemoryError from a
 * huge header count, NegativeArraySizeException, ...) or a hang is a finding.
 *
 * <p>A plain build replays the inputs in {@code src/test/resources/com/trainingservice/training/data/IdxReaderFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1 ./mvnw -B test -Dtest='IdxReaderFuzzTest#images'} fuzzs for {@code maxDuration}.
 */
class IdxReaderFuzzTest {

    @TempDir
    static Path dir;

    @FuzzTest(maxDuration = "2m")
    void images(byte[] data) throws IOException {
        Path raw = Files.write(dir.resolve("raw-images"), data);
        Path wrapped = Files.write(dir.resolve("wrapped-images"), IdxTestFiles.gzip(data));
        for (Path file : new Path[] {raw, wrapped}) {
            readImages(file, 28, 28);
            readImages(file, 2, 3);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void labels(byte[] data) throws IOException {
        Path raw = Files.write(dir.resolve("raw-labels"), data);
        Path wrapped = Files.write(dir.resolve("wrapped-labels"), IdxTestFiles.gzip(data));
        for (Path file : new Path[] {raw, wrapped}) {
            readLabels(file, 10);
            readLabels(file, 256);
        }
    }

    private static void readImages(Path file, int rows, int cols) {
        try {
            IdxReader.Images images = IdxReader.readImages(file, rows, cols);
            assertThat(images.rows()).isEqualTo(rows);
            assertThat(images.cols()).isEqualTo(cols);
            assertThat(images.count()).isNotNegative();
            assertThat(images.pixels()).hasSize(images.count() * rows * cols);
        } catch (DatasetException e) {
            assertThat(e.getMessage()).startsWith(file + ": ");
        }
    }

    private static void readLabels(Path file, int classCount) {
        try {
            for (byte label : IdxReader.readLabels(file, classCount)) {
                assertThat(Byte.toUnsignedInt(label)).isLessThan(classCount);
            }
        } catch (DatasetException e) {
            assertThat(e.getMessage()).startsWith(file + ": ");
        }
    }
}
