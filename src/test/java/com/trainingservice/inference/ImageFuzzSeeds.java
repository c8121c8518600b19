package com.trainingservice.inference;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes the seed inputs of {@link ImagePreprocessorFuzzTest}: tiny generated PNGs (grey, grey with
 * alpha via RGBA, 16-bit grey, palette) and a JPEG. Run from the repository root after test-compile:
 * {@code java -cp target/classes:target/test-classes com.trainingservice.inference.ImageFuzzSeeds}.
 */
final class ImageFuzzSeeds {

    private ImageFuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of("src/test/resources/com/trainingservice/inference/ImagePreprocessorFuzzTestInputs/toPixels");
        Files.createDirectories(dir);
        write(dir.resolve("seed-grey-4x3.png"), drawn(BufferedImage.TYPE_BYTE_GRAY, 4, 3), "png");
        write(dir.resolve("seed-grey16-3x3.png"), drawn(BufferedImage.TYPE_USHORT_GRAY, 3, 3), "png");
        write(dir.resolve("seed-rgba-5x2.png"), drawn(BufferedImage.TYPE_INT_ARGB, 5, 2), "png");
        write(dir.resolve("seed-palette-2x2.png"), drawn(BufferedImage.TYPE_BYTE_INDEXED, 2, 2), "png");
        write(dir.resolve("seed-rgb-8x8.jpg"), drawn(BufferedImage.TYPE_INT_RGB, 8, 8), "jpeg");
        write(dir.resolve("seed-grey-8x8.jpg"), drawn(BufferedImage.TYPE_BYTE_GRAY, 8, 8), "jpeg");
    }

    /** A light background with a dark square and a translucent corner, so every branch has something to do. */
    private static BufferedImage drawn(int type, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(40, 90, 160));
        g.fillRect(width / 4, height / 4, Math.max(1, width / 2), Math.max(1, height / 2));
        g.setColor(new Color(255, 0, 0, 100));
        g.fillRect(0, 0, 1, 1);
        g.dispose();
        return image;
    }

    private static void write(Path file, BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, bytes)) {
            throw new IOException("no writer for " + format);
        }
        Files.write(file, bytes.toByteArray());
    }
}
