package com.trainingservice.training.network;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The elements of a c-order float or double array, read and written in place (no copy), and the per-channel
 * passes of {@link ScratchBatchNormalizationLayer} over them (and the element-wise ones of {@link
 * SigmoidActivationLayer}). Element (n, c, i) of an [N, C] or NCHW
 * [N, C, H, W] array is at {@code (n * C + c) * inner + i}, inner = 1 or H * W ({@link Layout}). Sums are in
 * double whatever the element type.
 *
 * <p>On the CPU backend the data is the array's own memory (a workspace's, during training); on CUDA the arrays
 * are synchronised to the host first and marked as changed there afterwards ({@link #written}).
 */
abstract sealed class ChannelData permits ChannelData.Floats, ChannelData.Doubles {

    /** How an [N, C] or [N, C, H, W] array is laid out: N, C and the elements per (example, channel). */
    record Layout(int examples, int channels, int inner) {
        long perChannel() {
            return (long) examples * inner;
        }
    }

    /**
     * Per channel: batch mean and biased variance; from {@link #statisticsWithGradientSums} also {@code sum(dy)}
     * and {@code sum(dy * (x - mean))}.
     */
    record Statistics(double[] mean, double[] variance, double[] gradientSum, double[] centredGradientSums) {
        double centredGradientSum(int channel) {
            return centredGradientSums[channel];
        }
    }

    /** Whether ND4J's arrays live in host memory (the CPU backend), where these passes read them in place. */
    static final boolean HOST_BACKEND = Nd4j.getEnvironment().isCPU();

    private static final int PARALLEL_ELEMENTS = 1 << 16;
    private static final int SHIFT_SAMPLE = 64;
    /** Examples whose float sums {@link Floats#floatSums} adds up before moving them into double. */
    private static final int FLOAT_SUM_EXAMPLES = 16;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    final int offset;
    final int length;

    private ChannelData(INDArray array) {
        this.offset = Math.toIntExact(array.offset());
        this.length = Math.toIntExact(array.length());
    }

    /** @throws IllegalArgumentException for arrays that are not c-order contiguous, or neither float nor double */
    static ChannelData of(INDArray array) {
        if (!inCOrder(array)) {
            throw new IllegalArgumentException("expected a c-order contiguous array, got strides "
                    + java.util.Arrays.toString(array.stride()));
        }
        Nd4j.getAffinityManager().ensureLocation(array, AffinityManager.Location.HOST);
        return switch (array.dataType()) {
            case FLOAT -> new Floats(array);
            case DOUBLE -> new Doubles(array);
            default -> throw new IllegalArgumentException("float or double arrays only, got " + array.dataType());
        };
    }

    /** {@code array} itself when it has c-order strides, otherwise a c-order copy (a reshaped epsilon may not). */
    static INDArray contiguous(INDArray array) {
        return inCOrder(array) ? array : array.dup('c');
    }

    /**
     * Whether the elements lie in c order without gaps: each dimension's stride is the product of the later sizes
     * (any stride for a dimension of size 1). ND4J's own check also wants the ordering flag 'c', which a reshaped
     * view of an 'f'-flagged array lacks (DL4J's preprocessor hands conv1 such a view of the images).
     */
    private static boolean inCOrder(INDArray array) {
        long[] shape = array.shape();
        long[] stride = array.stride();
        long expected = 1;
        for (int dimension = shape.length - 1; dimension >= 0; dimension--) {
            if (shape[dimension] != 1 && stride[dimension] != expected) {
                return false;
            }
            expected *= shape[dimension];
        }
        return true;
    }

    /** Marks an array written through {@link ChannelData} as changed on the host; returns it. */
    static INDArray written(INDArray array) {
        Nd4j.getAffinityManager().tagLocation(array, AffinityManager.Location.HOST);
        return array;
    }

    /** Writes {@code values} into the vector {@code target}; returns it. */
    static INDArray assign(INDArray target, double[] values) {
        ChannelData data = of(target);
        if (data.length != values.length) {
            throw new IllegalArgumentException("expected " + data.length + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            data.set(data.offset + i, values[i]);
        }
        return written(target);
    }

    abstract double get(int index);

    abstract void set(int index, double value);

    /** Elements [index, index + length) into {@code into}; {@code scratch} (at least length) for the conversion. */
    abstract void read(int index, double[] into, int length, float[] scratch);

    /** {@code values[0, length)} into elements [index, index + length). */
    abstract void write(int index, double[] values, int length, float[] scratch);

    /** All elements, in order. */
    double[] toDoubles() {
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = get(offset + i);
        }
        return values;
    }

    /** Batch statistics of this array in one pass. */
    Statistics statistics(Layout layout) {
        return sums(layout, null);
    }

    /** Batch statistics of this array (x) and the gradient sums of {@code gradient} (dy), in one pass over both. */
    Statistics statisticsWithGradientSums(Layout layout, ChannelData gradient) {
        return sums(layout, gradient);
    }

    /**
     * {@code this = a * u + p * (v - m) + q} per channel, element by element; {@code u} and {@code a} may be null
     * (no first term). The arrays must have this one's layout. Centring {@code v} on {@code m} (the batch mean)
     * keeps the terms small: no cancellation between {@code p * v} and {@code q} when the mean is large.
     */
    void assignAffine(Layout layout, ChannelData u, double[] a, ChannelData v, double[] p, double[] m, double[] q) {
        boolean floats = this instanceof Floats && v instanceof Floats && (u == null || u instanceof Floats);
        inParallel(layout, (from, to) -> {
            if (floats) {
                assignAffineFloats(layout, from, to, (Floats) u, a, (Floats) v, p, m, q);
            } else {
                assignAffine(layout, from, to, u, a, v, p, m, q);
            }
        });
    }

    private void assignAffine(Layout layout, int fromExample, int toExample, ChannelData u, double[] a,
                              ChannelData v, double[] p, double[] m, double[] q) {
        int channels = layout.channels();
        int inner = layout.inner();
        int rowLength = channels * inner;
        // one example at a time through plain arrays: bulk copies in and out of the buffers, and loops the JIT
        // compiles tightly, instead of a buffer call per element
        double[] us = u == null ? null : new double[rowLength];
        double[] vs = new double[rowLength];
        double[] out = new double[rowLength];
        float[] scratch = new float[rowLength];
        for (int n = fromExample; n < toExample; n++) {
            int start = n * rowLength;
            v.read(v.offset + start, vs, rowLength, scratch);
            if (u != null) {
                u.read(u.offset + start, us, rowLength, scratch);
            }
            for (int c = 0; c < channels; c++) {
                int from = c * inner;
                int to = from + inner;
                double pc = p[c];
                double mc = m[c];
                double qc = q[c];
                if (u == null) {
                    for (int i = from; i < to; i++) {
                        out[i] = pc * (vs[i] - mc) + qc;
                    }
                } else {
                    double ac = a[c];
                    for (int i = from; i < to; i++) {
                        out[i] = ac * us[i] + pc * (vs[i] - mc) + qc;
                    }
                }
            }
            write(offset + start, out, rowLength, scratch);
        }
    }

    /**
     * {@link #assignAffine} for float arrays, in float: the JIT vectorises a float loop (0.4 ns an element in a
     * micro-benchmark) but not one converting each float to double and back (1.3 ns through double arrays, 5 ns
     * inline). The centred form keeps the result to a few ulps (BatchNormKernelsTest).
     */
    private void assignAffineFloats(Layout layout, int fromExample, int toExample, Floats u, double[] a, Floats v,
                                    double[] p, double[] m, double[] q) {
        int channels = layout.channels();
        int inner = layout.inner();
        int rowLength = channels * inner;
        float[] us = u == null ? null : new float[rowLength];
        float[] vs = new float[rowLength];
        float[] out = new float[rowLength];
        FloatBuffer target = ((Floats) this).data;
        for (int n = fromExample; n < toExample; n++) {
            int start = n * rowLength;
            v.data.get(v.offset + start, vs, 0, rowLength);
            if (u != null) {
                u.data.get(u.offset + start, us, 0, rowLength);
            }
            for (int c = 0; c < channels; c++) {
                int from = c * inner;
                int to = from + inner;
                float pc = (float) p[c];
                float mc = (float) m[c];
                // v - mc is exact for v near the mean; the rounding of mc itself goes into the constant term
                float qc = (float) (q[c] + p[c] * (mc - m[c]));
                if (u == null) {
                    for (int i = from; i < to; i++) {
                        out[i] = pc * (vs[i] - mc) + qc;
                    }
                } else {
                    float ac = (float) a[c];
                    for (int i = from; i < to; i++) {
                        out[i] = ac * us[i] + pc * (vs[i] - mc) + qc;
                    }
                }
            }
            target.put(offset + start, out, 0, rowLength);
        }
    }

    /**
     * {@code this = sigmoid(x)}, element by element, for float arrays ({@link #sigmoid}); {@code x} has this one's
     * layout and may be this array itself.
     */
    void assignSigmoid(Layout layout, ChannelData x) {
        if (!(this instanceof Floats target && x instanceof Floats xFloats)) {
            throw new IllegalArgumentException("float arrays only");
        }
        int rowLength = layout.channels() * layout.inner();
        inParallel(layout, (from, to) -> {
            float[] values = new float[rowLength];
            for (int n = from; n < to; n++) {
                int start = n * rowLength;
                xFloats.data.get(x.offset + start, values, 0, rowLength);
                sigmoid(values);
                target.data.put(offset + start, values, 0, rowLength);
            }
        });
    }

    /*
     * sigmoid(x) - 1/2 = x * P(x^2) / Q(x^2) on [-18, 18], P of degree 4 and Q of degree 5, fitted in double to
     * within 4.2e-10 (bench/sigmoid-fit.py); evaluated in float, within 2.1e-7 of the exact sigmoid everywhere.
     */
    private static final float P0 = 0.25f;
    private static final float P1 = 8.613653481006622e-03f;
    private static final float P2 = 6.256398773984984e-05f;
    private static final float P3 = 1.2303773644362082e-07f;
    private static final float P4 = 4.9285152348144123e-11f;
    private static final float Q1 = 1.1778794229030609e-01f;
    private static final float Q2 = 1.7325860681012273e-03f;
    private static final float Q3 = 6.5618469307082705e-06f;
    private static final float Q4 = 6.2916862830775244e-09f;
    private static final float Q5 = 7.146922485247453e-13f;
    private static final float SIGMOID_RANGE = 18f;

    /**
     * The sigmoid of each value, in place, as a rational function: only multiplications, additions, a division and
     * min/max, which the JIT vectorises (0.7 ns an element on one core against libnd4j's 3.4 ns through
     * {@code expf}); within 2.1e-7 of the exact value (absolute: outputs below 1e-4 lose relative precision, where
     * the sigmoid's gradient is that small too). NaN stays NaN, so a diverging job still sees it.
     */
    static void sigmoid(float[] values) {
        for (int i = 0; i < values.length; i++) {
            float x = Math.min(Math.max(values[i], -SIGMOID_RANGE), SIGMOID_RANGE);
            float z = x * x;
            float p = (((P4 * z + P3) * z + P2) * z + P1) * z + P0;
            float q = ((((Q5 * z + Q4) * z + Q3) * z + Q2) * z + Q1) * z + 1f;
            values[i] = Math.min(Math.max(x * p / q + 0.5f, 0f), 1f);
        }
    }

    /**
     * {@code this = dy * y * (1 - y)}, element by element: the gradient through a sigmoid from its output y, with
     * no exponential. {@code dy} and {@code y} have this one's layout; this may be {@code dy} itself.
     */
    void assignSigmoidGradient(Layout layout, ChannelData dy, ChannelData y) {
        int rowLength = layout.channels() * layout.inner();
        if (this instanceof Floats target && dy instanceof Floats dyFloats && y instanceof Floats yFloats) {
            // in float, which the JIT vectorises (see assignAffineFloats)
            inParallel(layout, (from, to) -> {
                float[] dys = new float[rowLength];
                float[] ys = new float[rowLength];
                for (int n = from; n < to; n++) {
                    int start = n * rowLength;
                    dyFloats.data.get(dy.offset + start, dys, 0, rowLength);
                    yFloats.data.get(y.offset + start, ys, 0, rowLength);
                    for (int i = 0; i < rowLength; i++) {
                        dys[i] *= ys[i] * (1f - ys[i]);
                    }
                    target.data.put(offset + start, dys, 0, rowLength);
                }
            });
            return;
        }
        inParallel(layout, (from, to) -> {
            double[] dys = new double[rowLength];
            double[] ys = new double[rowLength];
            float[] scratch = new float[rowLength];
            for (int n = from; n < to; n++) {
                int start = n * rowLength;
                dy.read(dy.offset + start, dys, rowLength, scratch);
                y.read(y.offset + start, ys, rowLength, scratch);
                for (int i = 0; i < rowLength; i++) {
                    dys[i] *= ys[i] * (1.0 - ys[i]);
                }
                write(offset + start, dys, rowLength, scratch);
            }
        });
    }

    /**
     * 2x2 pooling with stride 2 and no padding into this [N, C, H / 2, W / 2] float array from {@code x}
     * [N, C, H, W] ({@code layout} is x's): the largest of each window, or its mean as oneDNN sums it (row by row,
     * then a quarter). A last row or column that no window covers (odd H or W) is left out.
     */
    void assignPooling2x2(Layout layout, int height, int width, ChannelData x, boolean max) {
        if (!(this instanceof Floats target && x instanceof Floats xFloats)) {
            throw new IllegalArgumentException("float arrays only");
        }
        int channels = layout.channels();
        int outHeight = height / 2;
        int outWidth = width / 2;
        int rowLength = channels * height * width;
        int outRowLength = channels * outHeight * outWidth;
        inParallel(layout, (from, to) -> {
            float[] xs = new float[rowLength];
            float[] out = new float[outRowLength];
            for (int n = from; n < to; n++) {
                xFloats.data.get(x.offset + n * rowLength, xs, 0, rowLength);
                int o = 0;
                for (int c = 0; c < channels; c++) {
                    for (int oh = 0; oh < outHeight; oh++) {
                        int top = c * height * width + 2 * oh * width;
                        int bottom = top + width;
                        for (int ow = 0; ow < outWidth; ow++, top += 2, bottom += 2) {
                            out[o++] = max
                                    ? Math.max(Math.max(xs[top], xs[top + 1]), Math.max(xs[bottom], xs[bottom + 1]))
                                    : (xs[top] + xs[top + 1] + xs[bottom] + xs[bottom + 1]) * 0.25f;
                        }
                    }
                }
                target.data.put(offset + n * outRowLength, out, 0, outRowLength);
            }
        });
    }

    /**
     * The gradient through 2x2 pooling with stride 2 and no padding, into this [N, C, H, W] float array from the
     * input {@code x} (same layout) and the gradient {@code dy} of the [N, C, H / 2, W / 2] output. Max pooling:
     * all of a window's gradient to its largest element, the first in row-major order on a tie (as oneDNN and
     * libnd4j pick it); average pooling: a quarter to each. A last row or column that no window covers (odd H or
     * W) gets 0. Float arrays only (the conversions of a double path were most of its time).
     */
    void assignPooling2x2Gradient(Layout layout, int height, int width, ChannelData x, ChannelData dy, boolean max) {
        if (!(this instanceof Floats target && x instanceof Floats xFloats && dy instanceof Floats dyFloats)) {
            throw new IllegalArgumentException("float arrays only");
        }
        inParallel(layout, (from, to) -> target.pooling2x2GradientFloats(layout, from, to, height, width,
                xFloats, dyFloats, max));
    }

    /**
     * Single-pass statistics, shifted by a rough mean K of each channel ({@link #roughMean}): sums of (x - K) and
     * (x - K)^2 give the mean and variance without the cancellation of sum(x^2) - sum(x)^2 / n when |mean| >> std.
     */
    private Statistics sums(Layout layout, ChannelData gradient) {
        int channels = layout.channels();
        double[] shift = new double[channels];
        for (int c = 0; c < channels; c++) {
            shift[c] = roughMean(layout, c);
        }
        // partial sums per block of examples, added up in block order: the same result on every run
        double[][][] partial = new double[blocks(layout)][][];
        inParallel(layout, partial.length, (block, from, to) -> partial[block] = sums(layout, from, to, shift, gradient));
        double[][] total = new double[4][channels];
        for (double[][] block : partial) {
            for (int k = 0; k < total.length; k++) {
                for (int c = 0; c < channels; c++) {
                    total[k][c] += block[k][c];
                }
            }
        }
        double[] sum = total[0];
        double[] sumOfSquares = total[1];
        double[] gradientSum = total[2];
        double[] shiftedGradientSum = total[3];
        double count = layout.perChannel();
        double[] mean = new double[channels];
        double[] variance = new double[channels];
        double[] centred = new double[channels];
        for (int c = 0; c < channels; c++) {
            double shiftedMean = sum[c] / count;
            mean[c] = shift[c] + shiftedMean;
            variance[c] = Math.max(0.0, sumOfSquares[c] / count - shiftedMean * shiftedMean);
            // sum(dy * (x - mean)) = sum(dy * (x - K)) - (mean - K) * sum(dy)
            centred[c] = shiftedGradientSum[c] - shiftedMean * gradientSum[c];
        }
        return new Statistics(mean, variance, gradientSum, centred);
    }

    /**
     * The mean of up to {@value #SHIFT_SAMPLE} of channel c's elements (the first example's positions, then the next
     * examples'): close to the batch mean, so sum((x - K)^2) does not dwarf the variance it gives.
     */
    private double roughMean(Layout layout, int c) {
        int inner = layout.inner();
        int rowLength = layout.channels() * inner;
        double sum = 0;
        int count = 0;
        for (int n = 0; n < layout.examples() && count < SHIFT_SAMPLE; n++) {
            for (int i = 0; i < inner && count < SHIFT_SAMPLE; i++, count++) {
                sum += get(offset + n * rowLength + c * inner + i);
            }
        }
        return (float) (sum / count);   // a float, so that the float passes subtract exactly this K
    }

    /** {sum(x - K), sum((x - K)^2), sum(dy), sum(dy * (x - K))} per channel over examples [from, to). */
    private double[][] sums(Layout layout, int fromExample, int toExample, double[] shift, ChannelData gradient) {
        if (this instanceof Floats floats && (gradient == null || gradient instanceof Floats)) {
            return floats.floatSums(layout, fromExample, toExample, shift, (Floats) gradient);
        }
        int channels = layout.channels();
        int inner = layout.inner();
        int rowLength = channels * inner;
        double[][] sums = new double[4][channels];
        double[] xs = new double[rowLength];
        double[] dys = gradient == null ? null : new double[rowLength];
        float[] scratch = new float[rowLength];
        for (int n = fromExample; n < toExample; n++) {
            int start = n * rowLength;
            read(offset + start, xs, rowLength, scratch);
            if (gradient != null) {
                gradient.read(gradient.offset + start, dys, rowLength, scratch);
            }
            for (int c = 0; c < channels; c++) {
                int from = c * inner;
                int to = from + inner;
                double k = shift[c];
                double s = 0;
                double ss = 0;
                if (gradient == null) {
                    for (int i = from; i < to; i++) {
                        double d = xs[i] - k;
                        s += d;
                        ss += d * d;
                    }
                } else {
                    double g = 0;
                    double gd = 0;
                    for (int i = from; i < to; i++) {
                        double d = xs[i] - k;
                        double dy = dys[i];
                        s += d;
                        ss += d * d;
                        g += dy;
                        gd += dy * d;
                    }
                    sums[2][c] += g;
                    sums[3][c] += gd;
                }
                sums[0][c] += s;
                sums[1][c] += ss;
            }
        }
        return sums;
    }

    private interface ExampleRange {
        void run(int fromExample, int toExample);
    }

    interface ExampleBlock {
        void run(int block, int fromExample, int toExample);
    }

    /**
     * Arrays of at least {@value #PARALLEL_ELEMENTS} elements go in one block of examples per core (ND4J's OpenMP
     * threads sleep meanwhile, with OMP_WAIT_POLICY=PASSIVE); smaller ones in one block, in this thread.
     */
    static int blocks(Layout layout) {
        long elements = layout.perChannel() * layout.channels();
        return elements < PARALLEL_ELEMENTS ? 1 : Math.min(CORES, layout.examples());
    }

    private static void inParallel(Layout layout, ExampleRange range) {
        inParallel(layout, blocks(layout), (block, from, to) -> range.run(from, to));
    }

    static void inParallel(Layout layout, int blocks, ExampleBlock work) {
        int examples = layout.examples();
        if (blocks == 1) {
            work.run(0, 0, examples);
            return;
        }
        IntStream.range(0, blocks).parallel()
                .forEach(block -> work.run(block, block * examples / blocks, (block + 1) * examples / blocks));
    }

    static final class Floats extends ChannelData {

        /** {@link #assignPooling2x2Gradient} over examples [fromExample, toExample). */
        private void pooling2x2GradientFloats(Layout layout, int fromExample, int toExample, int height, int width,
                                              Floats x, Floats dy, boolean max) {
            int channels = layout.channels();
            int outHeight = height / 2;
            int outWidth = width / 2;
            int rowLength = channels * height * width;
            int outRowLength = channels * outHeight * outWidth;
            float[] xs = max ? new float[rowLength] : null;
            float[] dys = new float[outRowLength];
            float[] dxs = new float[rowLength];
            for (int n = fromExample; n < toExample; n++) {
                int start = n * rowLength;
                if (max) {
                    x.data.get(x.offset + start, xs, 0, rowLength);
                }
                dy.data.get(dy.offset + n * outRowLength, dys, 0, outRowLength);
                java.util.Arrays.fill(dxs, 0f);
                for (int c = 0; c < channels; c++) {
                    int plane = c * height * width;
                    int outPlane = c * outHeight * outWidth;
                    for (int oh = 0; oh < outHeight; oh++) {
                        for (int ow = 0; ow < outWidth; ow++) {
                            float g = dys[outPlane + oh * outWidth + ow];
                            int topLeft = plane + 2 * oh * width + 2 * ow;
                            if (max) {
                                float topLeftValue = xs[topLeft];
                                float topRight = xs[topLeft + 1];
                                float bottomLeft = xs[topLeft + width];
                                float bottomRight = xs[topLeft + width + 1];
                                int top = topRight > topLeftValue ? topLeft + 1 : topLeft;
                                int bottom = bottomRight > bottomLeft ? topLeft + width + 1 : topLeft + width;
                                boolean lower = Math.max(bottomLeft, bottomRight) > Math.max(topLeftValue, topRight);
                                dxs[lower ? bottom : top] = g;
                            } else {
                                float quarter = g * 0.25f;
                                dxs[topLeft] = quarter;
                                dxs[topLeft + 1] = quarter;
                                dxs[topLeft + width] = quarter;
                                dxs[topLeft + width + 1] = quarter;
                            }
                        }
                    }
                }
                data.put(offset + start, dxs, 0, rowLength);
            }
        }

        /**
         * {@link #sums} for float arrays: element-wise float sums per position across the examples (loops the JIT
         * vectorises; a running sum per channel is a chain of dependent additions it cannot), then per channel
         * over the positions in double, every {@value #FLOAT_SUM_EXAMPLES} examples: a float sum of 16 values of
         * {@code x - K}, K close to the channel's mean, stays within a few ulps.
         */
        private double[][] floatSums(Layout layout, int fromExample, int toExample, double[] shift, Floats gradient) {
            int channels = layout.channels();
            int inner = layout.inner();
            int rowLength = channels * inner;
            float[] shifts = new float[rowLength];
            for (int c = 0; c < channels; c++) {
                java.util.Arrays.fill(shifts, c * inner, (c + 1) * inner, (float) shift[c]);
            }
            float[] s = new float[rowLength];
            float[] ss = new float[rowLength];
            float[] g = gradient == null ? null : new float[rowLength];
            float[] gd = gradient == null ? null : new float[rowLength];
            float[] xs = new float[rowLength];
            float[] dys = gradient == null ? null : new float[rowLength];
            double[][] sums = new double[4][channels];
            for (int n = fromExample; n < toExample; n++) {
                if ((n - fromExample) % FLOAT_SUM_EXAMPLES == 0 && n > fromExample) {
                    addPerChannel(layout, sums, s, ss, g, gd);
                }
                int start = n * rowLength;
                data.get(offset + start, xs, 0, rowLength);
                if (gradient == null) {
                    for (int i = 0; i < rowLength; i++) {
                        float d = xs[i] - shifts[i];
                        s[i] += d;
                        ss[i] += d * d;
                    }
                } else {
                    gradient.data.get(gradient.offset + start, dys, 0, rowLength);
                    for (int i = 0; i < rowLength; i++) {
                        float d = xs[i] - shifts[i];
                        float dy = dys[i];
                        s[i] += d;
                        ss[i] += d * d;
                        g[i] += dy;
                        gd[i] += dy * d;
                    }
                }
            }
            addPerChannel(layout, sums, s, ss, g, gd);
            return sums;
        }

        /** Adds the float sums per position into {@code sums} per channel, in double, and zeroes them. */
        private static void addPerChannel(Layout layout, double[][] sums, float[] s, float[] ss, float[] g,
                                          float[] gd) {
            int inner = layout.inner();
            for (int c = 0; c < layout.channels(); c++) {
                for (int i = c * inner; i < (c + 1) * inner; i++) {
                    sums[0][c] += s[i];
                    sums[1][c] += ss[i];
                    if (g != null) {
                        sums[2][c] += g[i];
                        sums[3][c] += gd[i];
                    }
                }
            }
            java.util.Arrays.fill(s, 0f);
            java.util.Arrays.fill(ss, 0f);
            if (g != null) {
                java.util.Arrays.fill(g, 0f);
                java.util.Arrays.fill(gd, 0f);
            }
        }

        private final FloatBuffer data;

        private Floats(INDArray array) {
            super(array);
            this.data = array.data().asNioFloat();
        }

        /** The array's memory: its elements are at [{@link #offset}, offset + {@link #length}). */
        FloatBuffer buffer() {
            return data;
        }

        @Override
        double get(int index) {
            return data.get(index);
        }

        @Override
        void set(int index, double value) {
            data.put(index, (float) value);
        }

        @Override
        void read(int index, double[] into, int length, float[] scratch) {
            data.get(index, scratch, 0, length);
            for (int i = 0; i < length; i++) {
                into[i] = scratch[i];
            }
        }

        @Override
        void write(int index, double[] values, int length, float[] scratch) {
            for (int i = 0; i < length; i++) {
                scratch[i] = (float) values[i];
            }
            data.put(index, scratch, 0, length);
        }
    }

    static final class Doubles extends ChannelData {

        private final DoubleBuffer data;

        private Doubles(INDArray array) {
            super(array);
            this.data = array.data().asNioDouble();
        }

        @Override
        double get(int index) {
            return data.get(index);
        }

        @Override
        void set(int index, double value) {
            data.put(index, value);
        }

        @Override
        void read(int index, double[] into, int length, float[] scratch) {
            data.get(index, into, 0, length);
        }

        @Override
        void write(int index, double[] values, int length, float[] scratch) {
            data.put(index, values, 0, length);
        }
    }
}
