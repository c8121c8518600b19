package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * DL4J's numerical gradient check on our batch-norm layer. The check compares central differences of the
 * network's score (the mean loss) with backprop gradients after the updater's division by the minibatch size,
 * so it also shows that the mean-loss gradient is what training applies (no double division). The running
 * statistics are excluded, as in DL4J's own BatchNormalization gradient checks: their "gradient" is an update.
 */
class ScratchBatchNormalizationGradientTest {

    private static final Set<String> RUNNING_STATISTICS = Set.of("1_mean", "1_var");

    private static DataType previousDataType;
    private static DataType previousFloatingType;

    @BeforeAll
    static void useDoublePrecision() {
        previousDataType = Nd4j.dataType();
        previousFloatingType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previousDataType, previousFloatingType);
    }

    @Test
    void gradientsOfDenseInputAreCorrect() {
        for (long seed : new long[] {1, 2, 3}) {
            MultiLayerNetwork net = SmallNetworks.dense(LeNetFactory.scratchBatchNormalization("bn"),
                    DataType.DOUBLE, new NoOp(), seed);
            SmallNetworks.randomizeBatchNorm(net, seed);
            INDArray input = SmallNetworks.denseInput(10, DataType.DOUBLE, seed);
            assertThat(check(net, input, SmallNetworks.oneHotLabels(10, DataType.DOUBLE))).isTrue();
        }
    }

    @Test
    void gradientsOfConvolutionalInputAreCorrect() {
        for (long seed : new long[] {4, 5}) {
            MultiLayerNetwork net = SmallNetworks.conv(LeNetFactory.scratchBatchNormalization("bn"),
                    DataType.DOUBLE, new NoOp(), seed);
            SmallNetworks.randomizeBatchNorm(net, seed);
            INDArray input = SmallNetworks.convInput(5, DataType.DOUBLE, seed);
            assertThat(check(net, input, SmallNetworks.oneHotLabels(5, DataType.DOUBLE))).isTrue();
        }
    }

    @Test
    void theGradientCheckCatchesAWrongGradient() {
        // Guards against a vacuous check: the running statistics' "gradients" are updates, not derivatives of
        // the loss (which does not depend on them in training mode), so including them must fail.
        MultiLayerNetwork net = SmallNetworks.dense(LeNetFactory.scratchBatchNormalization("bn"),
                DataType.DOUBLE, new NoOp(), 9);
        SmallNetworks.randomizeBatchNorm(net, 9);
        INDArray input = SmallNetworks.denseInput(10, DataType.DOUBLE, 9);
        INDArray labels = SmallNetworks.oneHotLabels(10, DataType.DOUBLE);
        GradientCheckUtil.MLNConfig config = new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(labels).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false)
                .excludeParams(Set.of());
        assertThat(GradientCheckUtil.checkGradients(config)).isFalse();
    }

    private static boolean check(MultiLayerNetwork net, INDArray input, INDArray labels) {
        GradientCheckUtil.MLNConfig config = new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(labels).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false)
                .excludeParams(RUNNING_STATISTICS);
        return GradientCheckUtil.checkGradients(config);
    }
}
