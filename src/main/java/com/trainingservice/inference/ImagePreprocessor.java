package com.trainingservice.inference;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns a PNG or JPEG of any size and colour into a 28x28 grey image like Fashion-MNIST's: light
 * object on a dark background, centred, filling the frame, values in [0, 1]. A photo on a light
 * background (the usual product shot) is inverted; the aspect ratio is kept by padding with background.
 */
final class ImagePreprocessor {

    static final int SIDE = 28;

    private final long maxBytes;
    private final long maxPixels;

    ImagePreprocessor(long maxBytes, long maxPixels) {
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    /** @throws InvalidImageException naming what is wrong with the image */
    float[] toPixels(byte[] encoded) {
        if (encoded.length == 0) {
            throw new InvalidImageException("the image is empty");
        }
        if (encoded.length > maxBytes) {
            throw new InvalidImageException("the image has " + encoded.length + " bytes, more than the limit of " + maxBytes);
        }
        return decodeGrey(encoded);
    }

    private float[] decodeGrey(byte[] encoded) {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new InvalidImageException("not a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                String format = reader.getFormatName().toLowerCase();
                if (!format.equals("png") && !format.equals("jpeg")) {
                    throw new InvalidImageException("format " + format + " is not supported; send a PNG or JPEG");
                }
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                // checked on the header, before the pixels are decoded: a small file can claim a huge image
                if (width < 1 || height < 1 || (long) width * height > maxPixels) {
                    throw new InvalidImageException("the image is " + width + "x" + height
                            + " pixels; at most " + maxPixels + " pixels are accepted");
                }
                BufferedImage image = reader.read(0);
                return toFashionMnist(image);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException invalid) {
                throw invalid;
            }
            throw new InvalidImageException("the image could not be decoded (" + e.getMessage() + ")");
        }
    }

    static float[] toFashionMnist(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] luminance = isGrey(image) ? greyLuminance(image) : rgbLuminance(image);
        if (borderMean(luminance, width, height) > 0.5f) {
            for (int i = 0; i < luminance.length; i++) {
                luminance[i] = 1f - luminance[i];
            }
        }
        return fitInto(luminance, width, height);
    }

    private static float[] rgbLuminance(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] luminance = new float[width * height];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                luminance[y * width + x] = luminance(row[x]);
            }
        }
        return luminance;
    }

    /**
     * Grey PNGs and JPEGs decode with Java's linear grey colour space, and getRGB would convert their
     * levels to sRGB, brightening every mid grey (level 3 becomes 28): their samples are read as they are.
     */
    private static boolean isGrey(BufferedImage image) {
        ColorModel model = image.getColorModel();
        return model instanceof ComponentColorModel && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /** Grey levels as stored, composited over white where transparent, like {@link #luminance(int)}. */
    private static float[] greyLuminance(BufferedImage image) {
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        boolean hasAlpha = model.hasAlpha();
        float greyMax = (1 << model.getComponentSize(0)) - 1;
        float alphaMax = hasAlpha ? (1 << model.getComponentSize(1)) - 1 : 1;
        int width = image.getWidth();
        int height = image.getHeight();
        float[] luminance = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float grey = raster.getSample(x, y, 0) / greyMax;
                float alpha = hasAlpha ? raster.getSample(x, y, 1) / alphaMax : 1f;
                luminance[y * width + x] = (model.isAlphaPremultiplied() ? grey : grey * alpha) + (1f - alpha);
            }
        }
        return luminance;
    }

    /** Grey of a pixel, composited over white where it is transparent. */
    private static float luminance(int argb) {
        float alpha = ((argb >>> 24) & 0xFF) / 255f;
        float grey = (0.299f * ((argb >> 16) & 0xFF) + 0.587f * ((argb >> 8) & 0xFF) + 0.114f * (argb & 0xFF)) / 255f;
        return grey * alpha + (1f - alpha);
    }

    private static float borderMean(float[] pixels, int width, int height) {
        double sum = 0;
        int count = 0;
        for (int x = 0; x < width; x++) {
            sum += pixels[x] + pixels[(height - 1) * width + x];
            count += 2;
        }
        for (int y = 0; y < height; y++) {
            sum += pixels[y * width] + pixels[y * width + width - 1];
            count += 2;
        }
        return (float) (sum / count);
    }

    /**
     * Scales the image to fit 28x28 with its aspect ratio kept, centred on a black (background)
     * square, averaging every source pixel a target pixel covers, with fractional edges weighted.
     */
    private static float[] fitInto(float[] source, int width, int height) {
        double scale = (double) SIDE / Math.max(width, height);
        double targetWidth = width * scale;
        double targetHeight = height * scale;
        double offsetX = (SIDE - targetWidth) / 2;
        double offsetY = (SIDE - targetHeight) / 2;
        float[] target = new float[SIDE * SIDE];
        for (int ty = 0; ty < SIDE; ty++) {
            double y0 = (ty - offsetY) / scale;
            double y1 = (ty + 1 - offsetY) / scale;
            for (int tx = 0; tx < SIDE; tx++) {
                double x0 = (tx - offsetX) / scale;
                double x1 = (tx + 1 - offsetX) / scale;
                target[ty * SIDE + tx] = (float) average(source, width, height, x0, x1, y0, y1);
            }
        }
        return target;
    }

    /** Mean over the source rectangle [x0,x1) x [y0,y1); the area outside the image counts as background 0. */
    private static double average(float[] source, int width, int height, double x0, double x1, double y0, double y1) {
        double sum = 0;
        for (int sy = (int) Math.floor(Math.max(0, y0)); sy < Math.min(height, Math.ceil(y1)); sy++) {
            double wy = Math.min(sy + 1, y1) - Math.max(sy, y0);
            for (int sx = (int) Math.floor(Math.max(0, x0)); sx < Math.min(width, Math.ceil(x1)); sx++) {
                double wx = Math.min(sx + 1, x1) - Math.max(sx, x0);
                sum += source[sy * width + sx] * wx * wy;
            }
        }
        return sum / ((x1 - x0) * (y1 - y0));
    }

    static final class InvalidImageException extends RuntimeException {
        InvalidImageException(String message) {
            super(message);
        }
    }
}
