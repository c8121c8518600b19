package com.trainingservice.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.trainingservice.inference.ImagePreprocessor.InvalidImageException;
import com.trainingservice.training.TestData;
import com.trainingservice.training.data.FashionMnist;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    private static final float ONE_GREY_LEVEL = 1 / 255f;
    private static final long MAX_BYTES = 1 << 20;
    private static final long MAX_PIXELS = 40_000_000;

    /** A real Fashion-MNIST test image (an ankle boot), 0..255 row-major. */
    private static int[] original;

    private final ImagePreprocessor preprocessor = new ImagePreprocessor(MAX_BYTES, MAX_PIXELS);

    @BeforeAll
    static void loadImage() {
        FashionMnist.Split test = TestData.slice(1, 1).test();
        original = new int[784];
        for (int p = 0; p < 784; p++) {
            original[p] = test.pixelValue(0, p);
        }
        // a real image: dark border, a bright object
        assertThat(Arrays.stream(original).max().orElseThrow()).isGreaterThan(200);
        assertThat(original[0]).isZero();
    }

    // ---- what comes back -------------------------------------------------------------------------------------

    @Test
    void greyPngOf28x28ComesBackAsTheOriginalPixels() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setPixels(0, 0, 28, 28, original);

        float[] pixels = preprocessor.toPixels(encode(image, "png"));

        assertPixels(pixels, original, ONE_GREY_LEVEL);
    }

    @Test
    void sixteenBitGreyPngComesBackAsTheOriginalPixels() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setPixels(0, 0, 28, 28, Arrays.stream(original).map(v -> v * 257).toArray());

        float[] pixels = preprocessor.toPixels(encode(image, "png"));

        assertPixels(pixels, original, ONE_GREY_LEVEL);
    }

    @Test
    void upscaledImageOf56x56IsAveragedOver2x2Blocks() {
        // each original pixel becomes a 2x2 block whose four values differ, so averaging (not sampling) is checked
        int[] big = new int[56 * 56];
        int[] offsets = {-12, 12, 30, -30};
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                int value = original[(y / 2) * 28 + x / 2] + offsets[(y % 2) * 2 + x % 2];
                big[y * 56 + x] = Math.max(0, Math.min(255, value));
            }
        }
        int[] averaged = new int[784];
        float[] expected = new float[784];
        for (int p = 0; p < 784; p++) {
            int y = 2 * (p / 28);
            int x = 2 * (p % 28);
            expected[p] = (big[y * 56 + x] + big[y * 56 + x + 1] + big[(y + 1) * 56 + x] + big[(y + 1) * 56 + x + 1])
                    / 4f / 255f;
            averaged[p] = Math.round(expected[p] * 255);
        }
        BufferedImage image = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setPixels(0, 0, 56, 56, big);

        float[] pixels = preprocessor.toPixels(encode(image, "png"));

        for (int p = 0; p < 784; p++) {
            assertThat(pixels[p]).as("pixel %d", p).isCloseTo(expected[p], within(ONE_GREY_LEVEL));
        }
        // and not simply the top-left pixel of each block
        assertThat(averaged).isNotEqualTo(original);
    }

    @Test
    void colourImageBecomesItsLuminance() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        float[] expected = new float[784];
        for (int p = 0; p < 784; p++) {
            int red = original[p];
            int green = original[p] / 2;
            int blue = 255 - original[p] < 128 ? 40 : 0;
            image.setRGB(p % 28, p / 28, red << 16 | green << 8 | blue);
            expected[p] = (0.299f * red + 0.587f * green + 0.114f * blue) / 255f;
        }

        float[] pixels = preprocessor.toPixels(encode(image, "png"));

        for (int p = 0; p < 784; p++) {
            assertThat(pixels[p]).as("pixel %d", p).isCloseTo(expected[p], within(1e-5f));
        }
    }

    @Test
    void jpegIsDecodedCloseToTheOriginal() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < 784; p++) {
            image.setRGB(p % 28, p / 28, original[p] * 0x010101);
        }
        byte[] jpeg = encode(image, "jpeg");
        assertThat(jpeg).startsWith(0xFF, 0xD8); // really a JPEG

        float[] pixels = preprocessor.toPixels(jpeg);

        // lossy: close on average, nowhere far off
        double meanError = 0;
        for (int p = 0; p < 784; p++) {
            double error = Math.abs(pixels[p] - original[p] / 255.0);
            meanError += error / 784;
            assertThat(error).as("pixel %d", p).isLessThan(0.25);
        }
        assertThat(meanError).isLessThan(0.03);
    }

    @Test
    void greyJpegIsDecodedCloseToTheOriginal() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setPixels(0, 0, 28, 28, original);

        float[] pixels = preprocessor.toPixels(encode(image, "jpeg"));

        double meanError = 0;
        for (int p = 0; p < 784; p++) {
            meanError += Math.abs(pixels[p] - original[p] / 255.0) / 784;
        }
        assertThat(meanError).isLessThan(0.03);
    }

    @Test
    void transparentBackgroundIsBackground() {
        // a black object whose opacity is the original: over white it is a dark object on a light background
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_ARGB);
        for (int p = 0; p < 784; p++) {
            image.setRGB(p % 28, p / 28, original[p] << 24);
        }

        float[] pixels = preprocessor.toPixels(encode(image, "png"));

        assertPixels(pixels, original, ONE_GREY_LEVEL);
    }

    @Test
    void darkObjectOnALightBackgroundIsInverted() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < 784; p++) {
            image.setRGB(p % 28, p / 28, (255 - original[p]) * 0x010101);
        }

        float[] pixels = preprocessor.toPixels(encode(image, "png"));

        assertThat(pixels[0]).isZero();
        assertThat(pixels[783]).isZero();
        assertPixels(pixels, original, ONE_GREY_LEVEL);
    }

    @Test
    void wideImageIsScaledToTheWidthAndCentredVertically() {
        // 56x28 of a uniform grey: scaled by 1/2 to 28x14, rows 7..20, black above and below
        BufferedImage image = uniform(56, 28, 100);

        float[] pixels = preprocessor.toPixels(encode(image, "png"));

        for (int p = 0; p < 784; p++) {
            int row = p / 28;
            float expected = row >= 7 && row < 21 ? 100 / 255f : 0;
            assertThat(pixels[p]).as("row %d column %d", row, p % 28).isCloseTo(expected, within(1e-5f));
        }
    }

    @Test
    void tallImageIsScaledToTheHeightAndCentredHorizontally() {
        // 10x20 scaled by 1.4 to 14x28, columns 7..20
        BufferedImage image = uniform(10, 20, 80);

        float[] pixels = preprocessor.toPixels(encode(image, "png"));

        for (int p = 0; p < 784; p++) {
            int column = p % 28;
            float expected = column >= 7 && column < 21 ? 80 / 255f : 0;
            assertThat(pixels[p]).as("row %d column %d", p / 28, column).isCloseTo(expected, within(1e-5f));
        }
    }

    // ---- what is refused -------------------------------------------------------------------------------------

    @Test
    void emptyBytesAreRefused() {
        assertRefused(new byte[0], "empty");
    }

    @Test
    void randomBytesAreNotAnImage() {
        byte[] noise = new byte[2000];
        new Random(42).nextBytes(noise);

        assertRefused(noise, "not a PNG or JPEG");
    }

    @Test
    void textIsNotAnImage() {
        assertRefused("hello, this is not an image".getBytes(StandardCharsets.UTF_8), "not a PNG or JPEG");
    }

    @Test
    void truncatedPngIsRefused() {
        byte[] png = encode(uniformNoise(28, 28), "png");

        assertRefused(Arrays.copyOf(png, png.length / 2), "could not be decoded");
        assertRefused(Arrays.copyOf(png, 20), "could not be decoded"); // not even a whole header
    }

    @Test
    void gifAndBmpAreNotSupported() {
        BufferedImage image = uniformNoise(28, 28);

        assertRefused(encode(image, "gif"), "format gif is not supported");
        assertRefused(encode(image, "bmp"), "format bmp is not supported");
    }

    @Test
    void tooManyBytesAreRefusedWhateverTheyHold() {
        byte[] png = encode(uniformNoise(28, 28), "png");
        ImagePreprocessor small = new ImagePreprocessor(png.length - 1, MAX_PIXELS);

        assertThatThrownBy(() -> small.toPixels(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(png.length + " bytes")
                .hasMessageContaining("limit of " + (png.length - 1));
        assertThat(new ImagePreprocessor(png.length, MAX_PIXELS).toPixels(png)).hasSize(784);
    }

    @Test
    void decompressionBombIsRefusedFromItsHeader() {
        // 57 bytes that claim 100000x100000 grey pixels (10 GB decoded): there are no pixel data at all,
        // so the only way to get the size message is to check the header before decoding
        byte[] bomb = pngHeaderOnly(100_000, 100_000);

        assertThatThrownBy(() -> preprocessor.toPixels(bomb))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("100000x100000")
                .hasMessageContaining("at most " + MAX_PIXELS + " pixels");
    }

    @Test
    void pixelLimitAppliesToRealImagesToo() {
        byte[] png = encode(uniform(250, 200, 30), "png");

        assertThatThrownBy(() -> new ImagePreprocessor(MAX_BYTES, 49_999).toPixels(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("250x200")
                .hasMessageContaining("at most 49999 pixels");
        assertThat(new ImagePreprocessor(MAX_BYTES, 50_000).toPixels(png)).hasSize(784);
    }

    @Test
    void headerWithinTheLimitButNoPixelDataIsADecodingError() {
        // the same crafted file, small: the size passes, decoding fails, which shows the check above is on the header
        assertRefused(pngHeaderOnly(28, 28), "could not be decoded");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private void assertRefused(byte[] bytes, String reason) {
        assertThatThrownBy(() -> preprocessor.toPixels(bytes))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining(reason);
    }

    private static void assertPixels(float[] actual, int[] expected, float tolerance) {
        assertThat(actual).hasSize(784);
        for (int p = 0; p < 784; p++) {
            assertThat(actual[p]).as("pixel %d (row %d, column %d)", p, p / 28, p % 28)
                    .isCloseTo(expected[p] / 255f, within(tolerance));
        }
    }

    private static BufferedImage uniform(int width, int height, int grey) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, grey * 0x010101);
            }
        }
        return image;
    }

    private static BufferedImage uniformNoise(int width, int height) {
        Random random = new Random(1);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(100) * 0x010101);
            }
        }
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A PNG signature, an IHDR chunk (8-bit grey) with a correct CRC, and IEND: no IDAT. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        out.writeBytes(chunk("IHDR", ihdr.array()));
        out.writeBytes(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
    }
}
