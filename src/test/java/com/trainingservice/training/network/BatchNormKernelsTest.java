package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The float passes of the batch-norm kernels against the same kernels in double, where the mean dwarfs the spread. */
class BatchNormKernelsTest {

    private static final double[] GAMMA = {1.5, 0.5, 1.0};
    private static final double[] BETA = {0.25, -1.0, 0.0};

    @Test
    void floatPassesAgreeWithDoubleOnesWhenTheMeanIsLarge() {
        for (long[] shape : new long[][] {{64, 3, 10, 10}, {512, 3, 6, 6}, {256, 3}, {1024, 3}}) {
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.randn(DataType.DOUBLE, shape).muli(0.5).addi(1000.0);
            // the statistics are shifted by each channel's first element: make it an outlier, 5 spreads out
            x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)).addi(2.5);
            INDArray dOut = Nd4j.randn(DataType.DOUBLE, shape);
            INDArray xFloat = x.castTo(DataType.FLOAT);
            INDArray dOutFloat = dOut.castTo(DataType.FLOAT);
            // the double reference starts from the float values, so only the arithmetic differs
            INDArray xExact = xFloat.castTo(DataType.DOUBLE);
            INDArray dOutExact = dOutFloat.castTo(DataType.DOUBLE);

            INDArray out = Nd4j.create(DataType.FLOAT, shape);
            INDArray outExact = Nd4j.create(DataType.DOUBLE, shape);
            BatchNormKernels.Result statistics = BatchNormKernels.forward(xFloat, out, GAMMA, BETA, null, null, 1e-5);
            BatchNormKernels.Result exact = BatchNormKernels.forward(xExact, outExact, GAMMA, BETA, null, null, 1e-5);
            for (int c = 0; c < GAMMA.length; c++) {
                assertThat(statistics.mean()[c]).isCloseTo(exact.mean()[c], within(1e-9 * 1000));
                assertThat(statistics.variance()[c]).isCloseTo(exact.variance()[c], within(2e-6 * exact.variance()[c]));
            }
            assertThat(maxDifference(out, outExact)).as("forward %s", java.util.Arrays.toString(shape))
                    .isLessThan(2e-6 * outExact.amaxNumber().doubleValue());

            INDArray dx = Nd4j.create(DataType.FLOAT, shape);
            INDArray dxExact = Nd4j.create(DataType.DOUBLE, shape);
            BatchNormKernels.backward(xFloat, dOutFloat, dx, GAMMA, 1e-5);
            BatchNormKernels.backward(xExact, dOutExact, dxExact, GAMMA, 1e-5);
            assertThat(maxDifference(dx, dxExact)).as("backward %s", java.util.Arrays.toString(shape))
                    .isLessThan(2e-6 * dxExact.amaxNumber().doubleValue());
        }
    }

    private static double maxDifference(INDArray actual, INDArray expected) {
        return Transforms.abs(actual.castTo(DataType.DOUBLE).sub(expected)).maxNumber().doubleValue();
    }
}
