package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The first layer's weight and bias gradients against the definition, summed in double. */
class ConvolutionWeightGradientTest {

    @Test
    void matchesTheDefinitionForConv1AndOtherShapes() {
        // conv1 as trained (both cores' blocks, more than 128 examples to a block), an example count that is no
        // multiple of 4, two input channels, a rectangular kernel and image
        assertMatchesDefinition(300, 1, 28, 28, 6, 5, 5, 1);
        assertMatchesDefinition(7, 2, 9, 11, 3, 3, 2, 2);
        assertMatchesDefinition(1, 1, 4, 4, 2, 4, 4, 3);
    }

    @Test
    void takesOnlyUnpaddedFloatConvolutions() {
        INDArray input = Nd4j.rand(DataType.FLOAT, 2, 1, 8, 8);
        INDArray delta = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4);
        assertThat(ConvolutionWeightGradient.supports(input, delta, new int[] {5, 5}, new int[] {0, 0})).isTrue();
        assertThat(ConvolutionWeightGradient.supports(input, delta, new int[] {5, 5}, new int[] {1, 1})).isFalse();
        assertThat(ConvolutionWeightGradient.supports(input, delta, new int[] {3, 3}, new int[] {0, 0})).isFalse();
        assertThat(ConvolutionWeightGradient.supports(input.castTo(DataType.DOUBLE), delta.castTo(DataType.DOUBLE),
                new int[] {5, 5}, new int[] {0, 0})).isFalse();
    }

    private static void assertMatchesDefinition(int examples, int inChannels, int height, int width, int outChannels,
                                                int kernelHeight, int kernelWidth, long seed) {
        Nd4j.getRandom().setSeed(seed);
        int outHeight = height - kernelHeight + 1;
        int outWidth = width - kernelWidth + 1;
        INDArray input = Nd4j.rand(DataType.FLOAT, examples, inChannels, height, width);
        INDArray delta = Nd4j.randn(DataType.FLOAT, examples, outChannels, outHeight, outWidth);
        INDArray weightGradient = Nd4j.create(DataType.FLOAT, outChannels, inChannels, kernelHeight, kernelWidth);
        INDArray biasGradient = Nd4j.create(DataType.FLOAT, outChannels);
        assertThat(ConvolutionWeightGradient.supports(input, delta, new int[] {kernelHeight, kernelWidth},
                new int[] {0, 0})).isTrue();

        ConvolutionWeightGradient.compute(input, delta, kernelHeight, kernelWidth, weightGradient, biasGradient);

        float[] x = input.data().asFloat();
        float[] dy = delta.data().asFloat();
        for (int o = 0; o < outChannels; o++) {
            double bias = 0;
            for (int n = 0; n < examples; n++) {
                for (int y = 0; y < outHeight * outWidth; y++) {
                    bias += dy[(n * outChannels + o) * outHeight * outWidth + y];
                }
            }
            assertThat(biasGradient.getDouble(o)).isCloseTo(bias, org.assertj.core.data.Offset.offset(1e-5 * examples));
            for (int i = 0; i < inChannels; i++) {
                for (int p = 0; p < kernelHeight; p++) {
                    for (int q = 0; q < kernelWidth; q++) {
                        double expected = 0;
                        for (int n = 0; n < examples; n++) {
                            for (int y = 0; y < outHeight; y++) {
                                for (int z = 0; z < outWidth; z++) {
                                    expected += (double) x[((n * inChannels + i) * height + y + p) * width + z + q]
                                            * dy[((n * outChannels + o) * outHeight + y) * outWidth + z];
                                }
                            }
                        }
                        assertThat(weightGradient.getDouble(o, i, p, q)).as("dW[%d][%d][%d][%d]", o, i, p, q)
                                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5 * examples));
                    }
                }
            }
        }
    }
}
