package com.trainingservice.training.network;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weight and bias gradients of a stride-1, unpadded, undilated NCHW float convolution, from its input x
 * [N, inC, H, W] and output gradient dy [N, outC, outH, outW]:
 * {@code dW[o][i][p][q] = sum over n, y, z of x[n][i][y + p][z + q] * dy[n][o][y][z]} and
 * {@code db[o] = sum of dy[n][o]}. For the network's first layer, whose input gradient nobody needs
 * ({@link TrainingConvolutionHelper}): oneDNN has no weights-only backward pass in libnd4j, and our earlier
 * substitute, a forward convolution with examples and channels swapped, took 4.2 ms a step for conv1 with the
 * reorders around it; this takes 1.8-2.4 ms on 2 cores (oneDNN's verbose log and a micro-benchmark,
 * docs/performance.md).
 *
 * <p>How: each dy plane is laid out with the input's row length W (zeros past outW), and for each kernel offset
 * (p, q) a copy of the input plane starting at {@code p * W + q}; then every (o, i, p, q) is one element-wise
 * multiply-add of two equally indexed rows into a row of float sums, which the JIT vectorises (it does not
 * vectorise a loop that reads one array at a variable offset from another, hence the copies). Four examples go
 * into each pass over the sums. The float sums per position take up to 128 examples before they move into
 * double; blocks of examples run one per core and are added up in order: the same result on every run.
 */
final class ConvolutionWeightGradient {

    /** Examples per pass over the row sums (four products per loaded sum; more and the JIT stops vectorising). */
    private static final int EXAMPLES_PER_PASS = 4;
    /** Examples whose products a float sum per position holds before it moves into double (a multiple of 4). */
    private static final int FLUSH_EXAMPLES = 128;

    private ConvolutionWeightGradient() {
    }

    /** Whether {@link #compute} handles this convolution. */
    static boolean supports(INDArray input, INDArray delta, int[] kernel, int[] pad) {
        return input.dataType() == DataType.FLOAT && delta.dataType() == DataType.FLOAT
                && input.rank() == 4 && delta.rank() == 4 && pad[0] == 0 && pad[1] == 0
                && delta.size(2) == input.size(2) - kernel[0] + 1 && delta.size(3) == input.size(3) - kernel[1] + 1
                && delta.size(0) == input.size(0);
    }

    /**
     * Writes the gradients into {@code weightGradient} [outC, inC, kH, kW] and {@code biasGradient} [outC] (views
     * into the network's gradient, c-order).
     */
    static void compute(INDArray input, INDArray delta, int kernelHeight, int kernelWidth, INDArray weightGradient,
                        INDArray biasGradient) {
        INDArray x = ChannelData.contiguous(input);
        INDArray dy = ChannelData.contiguous(delta);
        Shape shape = new Shape(Math.toIntExact(x.size(1)), Math.toIntExact(x.size(2)), Math.toIntExact(x.size(3)),
                Math.toIntExact(dy.size(1)), Math.toIntExact(dy.size(2)), Math.toIntExact(dy.size(3)),
                kernelHeight, kernelWidth);
        ChannelData.Floats xData = (ChannelData.Floats) ChannelData.of(x);
        ChannelData.Floats dyData = (ChannelData.Floats) ChannelData.of(dy);
        ChannelData.Layout layout = BatchNormKernels.layout(dy);
        double[][] partial = new double[ChannelData.blocks(layout)][];
        ChannelData.inParallel(layout, partial.length,
                (block, from, to) -> partial[block] = sums(shape, xData, dyData, from, to));
        double[] total = new double[partial[0].length];
        for (double[] block : partial) {
            for (int k = 0; k < total.length; k++) {
                total[k] += block[k];
            }
        }
        int weights = shape.outChannels * shape.kernelRows();
        ChannelData.assign(weightGradient, Arrays.copyOfRange(total, 0, weights));
        ChannelData.assign(biasGradient, Arrays.copyOfRange(total, weights, total.length));
    }

    private record Shape(int inChannels, int height, int width, int outChannels, int outHeight, int outWidth,
                         int kernelHeight, int kernelWidth) {
        /** Elements of a dy plane in rows of the input's width, up to its last element. */
        int rowLength() {
            return (outHeight - 1) * width + outWidth;
        }

        /** Kernel elements per output channel: inC * kH * kW. */
        int kernelRows() {
            return inChannels * kernelHeight * kernelWidth;
        }
    }

    /** dW (outC * inC * kH * kW values, c-order) then db (outC values) over examples [from, to), in double. */
    private static double[] sums(Shape shape, ChannelData.Floats x, ChannelData.Floats dy, int from, int to) {
        int length = shape.rowLength();
        int kernelRows = shape.kernelRows();
        int outChannels = shape.outChannels;
        int plane = shape.height * shape.width;
        int outPlane = shape.outHeight * shape.outWidth;
        int inSize = shape.inChannels * plane;
        int outSize = outChannels * outPlane;
        float[][] weightSums = new float[outChannels * kernelRows][length];
        float[][] biasSums = new float[outChannels][length];
        // per example of a pass: dy rows [outC][length] and shifted input rows [inC * kH * kW][length]
        float[][][] dyRows = new float[EXAMPLES_PER_PASS][outChannels][length];
        float[][] inputRows = new float[EXAMPLES_PER_PASS][length];
        float[][] images = new float[EXAMPLES_PER_PASS][inSize];
        float[] gradient = new float[outSize];
        FloatBuffer xBuffer = x.buffer();
        FloatBuffer dyBuffer = dy.buffer();
        double[] sums = new double[outChannels * kernelRows + outChannels];
        for (int first = from; first < to; first += EXAMPLES_PER_PASS) {
            if (first > from && (first - from) % FLUSH_EXAMPLES == 0) {
                flush(weightSums, biasSums, sums);
            }
            for (int e = 0; e < EXAMPLES_PER_PASS; e++) {
                int n = first + e;
                if (n >= to) {
                    for (float[] row : dyRows[e]) {
                        Arrays.fill(row, 0f);   // no example: adds nothing
                    }
                    continue;
                }
                xBuffer.get(x.offset + n * inSize, images[e], 0, inSize);
                dyBuffer.get(dy.offset + n * outSize, gradient, 0, outSize);
                for (int o = 0; o < outChannels; o++) {
                    float[] row = dyRows[e][o];
                    int source = o * outPlane;
                    for (int y = 0; y < shape.outHeight; y++) {
                        int target = y * shape.width;
                        for (int z = 0; z < shape.outWidth; z++) {
                            row[target + z] = gradient[source++];
                        }
                    }
                }
            }
            for (int k = 0; k < kernelRows; k++) {
                // the input rows for kernel element k = (i, p, q): each image from i * plane + p * W + q on
                int start = (k / (shape.kernelHeight * shape.kernelWidth)) * plane
                        + (k / shape.kernelWidth % shape.kernelHeight) * shape.width + k % shape.kernelWidth;
                for (int e = 0; e < EXAMPLES_PER_PASS; e++) {
                    System.arraycopy(images[e], start, inputRows[e], 0, length);
                }
                float[] x0 = inputRows[0];
                float[] x1 = inputRows[1];
                float[] x2 = inputRows[2];
                float[] x3 = inputRows[3];
                for (int o = 0; o < outChannels; o++) {
                    float[] sum = weightSums[o * kernelRows + k];
                    float[] d0 = dyRows[0][o];
                    float[] d1 = dyRows[1][o];
                    float[] d2 = dyRows[2][o];
                    float[] d3 = dyRows[3][o];
                    for (int j = 0; j < length; j++) {
                        sum[j] += d0[j] * x0[j] + d1[j] * x1[j] + d2[j] * x2[j] + d3[j] * x3[j];
                    }
                }
            }
            for (int o = 0; o < outChannels; o++) {
                float[] sum = biasSums[o];
                float[] d0 = dyRows[0][o];
                float[] d1 = dyRows[1][o];
                float[] d2 = dyRows[2][o];
                float[] d3 = dyRows[3][o];
                for (int j = 0; j < length; j++) {
                    sum[j] += d0[j] + d1[j] + d2[j] + d3[j];
                }
            }
        }
        flush(weightSums, biasSums, sums);
        return sums;
    }

    /** Adds each row of float sums into its value of {@code sums}, in double, and zeroes the rows. */
    private static void flush(float[][] weightSums, float[][] biasSums, double[] sums) {
        for (int r = 0; r < weightSums.length + biasSums.length; r++) {
            float[] row = r < weightSums.length ? weightSums[r] : biasSums[r - weightSums.length];
            double sum = 0;
            for (float value : row) {
                sum += value;
            }
            sums[r] += sum;
            Arrays.fill(row, 0f);
        }
    }
}
