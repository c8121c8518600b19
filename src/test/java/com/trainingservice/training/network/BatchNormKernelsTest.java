package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;

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
        for (long[] shape : new long[][] {{64, 3, 10, 10}, {256, 3}}) {
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.randn(DataType.DOUBLE, shape).muli(0.5).addi(1000.0);
            INDArray dOut = Nd4j.randn(DataType.DOUBLE, shape);
            INDArray xFloat = x.castTo(DataType.FLOAT);
            INDArray dOutFloat = dOut.castTo(DataType.FLOAT);
            // the double reference starts from the float values, so only the arithmetic differs
            INDArray xExact = xFloat.castTo(DataType.DOUBLE);
            INDArray dOutExact = dOutFloat.castTo(DataType.DOUBLE);

            INDArray out = Nd4j.create(DataType.FLOAT, shape);
            INDArray outExact = Nd4j.create(DataType.DOUBLE, shape);
            BatchNormKernels.forward(xFloat, out, GAMMA, BETA, null, null, 1e-5);
            BatchNormKernels.forward(xExact, outExact, GAMMA, BETA, null, null, 1e-5);
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
