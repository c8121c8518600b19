package com.trainingservice.training.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads gzipped IDX files of unsigned bytes (the MNIST format, http://yann.lecun.com/exdb/mnist/):
 * a big-endian header of magic number and dimension sizes, then the data, row-major.
 * Anything wrong with a file is a {@link DatasetException} whose message starts with the file's path.
 */
public final class IdxReader {

    /** Unsigned bytes, 3 dimensions: count, rows, columns. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Unsigned bytes, 1 dimension: count. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int GZIP_BUFFER_SIZE = 1 << 16;

    /** Images as read from an idx3 file; {@code pixels} holds count*rows*cols unsigned bytes, row-major. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
    }

    private IdxReader() {
    }

    /** Reads an images file and checks that every image is {@code expectedRows} x {@code expectedCols}. */
    public static Images readImages(Path file, int expectedRows, int expectedCols) {
        return read(file, in -> {
            checkMagic(file, readHeaderInt(in, file), IMAGES_MAGIC, "IDX unsigned-byte images");
            int count = readCount(in, file);
            int rows = readHeaderInt(in, file);
            int cols = readHeaderInt(in, file);
            if (rows != expectedRows || cols != expectedCols) {
                throw fail(file, "images are " + rows + "x" + cols + ", expected " + expectedRows + "x" + expectedCols);
            }
            long size = (long) count * rows * cols;
            if (size > Integer.MAX_VALUE - 8) {
                throw fail(file, "header announces " + count + " images, too many to hold in memory");
            }
            byte[] pixels = readData(in, file, (int) size, count + " images of " + rows + "x" + cols);
            return new Images(count, rows, cols, pixels);
        });
    }

    /** Reads a labels file and checks that every label lies in 0..classCount-1. */
    public static byte[] readLabels(Path file, int classCount) {
        return read(file, in -> {
            checkMagic(file, readHeaderInt(in, file), LABELS_MAGIC, "IDX unsigned-byte labels");
            int count = readCount(in, file);
            byte[] labels = readData(in, file, count, count + " labels");
            for (int i = 0; i < labels.length; i++) {
                int label = Byte.toUnsignedInt(labels[i]);
                if (label >= classCount) {
                    throw fail(file, "label " + label + " at index " + i + " is out of range 0.." + (classCount - 1));
                }
            }
            return labels;
        });
    }

    private interface IdxBody<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static <T> T read(Path file, IdxBody<T> body) {
        try (DataInputStream in = new DataInputStream(
                new GZIPInputStream(Files.newInputStream(file), GZIP_BUFFER_SIZE))) {
            T result = body.read(in);
            // Reading to the end also makes GZIPInputStream verify the CRC in the gzip trailer.
            long trailing = in.transferTo(OutputStream.nullOutputStream());
            if (trailing > 0) {
                throw fail(file, trailing + " unexpected bytes after the data the header announces");
            }
            return result;
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": file not found", e);
        } catch (ZipException e) {
            throw new DatasetException(file + ": not a valid gzip file (" + e.getMessage() + ")", e);
        } catch (EOFException e) {
            throw new DatasetException(file + ": truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read (" + e + ")", e);
        }
    }

    private static int readHeaderInt(DataInputStream in, Path file) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw fail(file, "truncated: the file ends inside the IDX header");
        }
    }

    private static int readCount(DataInputStream in, Path file) throws IOException {
        int count = readHeaderInt(in, file);
        if (count < 0) {
            throw fail(file, "negative count " + count + " in the header");
        }
        return count;
    }

    private static void checkMagic(Path file, int magic, int expected, String description) {
        if (magic != expected) {
            throw fail(file, String.format("wrong magic number 0x%08x, expected 0x%08x (%s)", magic, expected, description));
        }
    }

    private static byte[] readData(InputStream in, Path file, int size, String what) throws IOException {
        // readNBytes grows its buffer as data arrives, so a bogus header cannot make us allocate gigabytes up front
        byte[] data = in.readNBytes(size);
        if (data.length < size) {
            throw fail(file, "truncated: header announces " + what + " (" + size + " bytes), the file holds only "
                    + data.length);
        }
        return data;
    }

    private static DatasetException fail(Path file, String reason) {
        return new DatasetException(file + ": " + reason);
    }
}
