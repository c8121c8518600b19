package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.Variant;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

/** DL4J's batch-norm layer computing with our kernels: where it is used, and that it computes what oneDNN's did. */
class ChannelBatchNormHelperTest {

    private static final long SEED = 7;

    @Test
    void lenetBnTrainsWithOurKernelsInEveryBatchNormLayerAndTheOtherVariantsAreUntouched() {
        assertThat(helpers(LeNetFactory.build(Variant.LENET_BN, SEED)))
                .hasSize(4).allMatch(helper -> helper instanceof ChannelBatchNormHelper);
        // a network built without the factory has oneDNN's; install swaps exactly those
        MultiLayerNetwork plain = oneDnnBuilt(Variant.LENET_BN);
        assertThat(helpers(plain)).hasSize(4).allMatch(helper -> helper instanceof MKLDNNBatchNormHelper);
        assertThat(ChannelBatchNormHelper.install(plain)).isEqualTo(4);
        assertThat(ChannelBatchNormHelper.install(oneDnnBuilt(Variant.LENET_BN_SCRATCH))).isZero();
        assertThat(ChannelBatchNormHelper.install(oneDnnBuilt(Variant.LENET))).isZero();
    }

    @Test
    void trainingWithOurKernelsMatchesOneDnnsHelperStepByStep() {
        MultiLayerNetwork ours = LeNetFactory.build(Variant.LENET_BN, SEED);
        MultiLayerNetwork oneDnn = oneDnnBuilt(Variant.LENET_BN);
        assertThat(ours.params()).isEqualTo(oneDnn.params());
        INDArray features = Nd4j.rand(DataType.FLOAT, 32, 784);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 32, 10);
        for (int i = 0; i < 32; i++) {
            labels.putScalar(i, i % 10, 1f);
        }
        DataSet batch = new DataSet(features, labels);

        for (int step = 0; step < 3; step++) {
            ours.fit(batch);
            oneDnn.fit(batch);
            // parameters include every layer's running mean and variance, which DL4J's layer updates from ours
            assertClose(ours.params(), oneDnn.params(), 2e-5);
            assertThat(ours.score()).isCloseTo(oneDnn.score(), org.assertj.core.data.Percentage.withPercentage(1e-3));
        }
        // inference: the running statistics, through both helpers, for any batch size (one example too)
        assertClose(ours.output(features, false), oneDnn.output(features, false), 2e-5);
        for (int size : new int[] {1, 2, 3}) {
            INDArray few = features.get(NDArrayIndex.interval(0, size),
                    NDArrayIndex.all()).dup();
            assertClose(ours.output(few, false), oneDnn.output(few, false), 2e-5);
            assertClose(ours.output(few, false), ours.output(features, false).get(
                    NDArrayIndex.interval(0, size), NDArrayIndex.all()), 2e-5);
        }
        // and training steps on a batch of one
        DataSet one = new DataSet(features.getRow(0, true).dup(), labels.getRow(0, true).dup());
        ours.fit(one);
        oneDnn.fit(one);
        assertClose(ours.params(), oneDnn.params(), 2e-5);
        INDArray runningMean = ours.getLayer("bn1").getParam("mean");
        assertThat(runningMean.amaxNumber().doubleValue()).as("running statistics moved").isGreaterThan(1e-4);
    }

    @Test
    void gradientsOfDenseAndConvolutionalInputAreCorrect() {
        SmallNetworks.inDoublePrecision(() -> {
            for (long seed : new long[] {1, 2}) {
                assertThat(gradientCheckWithOurKernels(SmallNetworks.dense(LeNetFactory.dl4jBatchNormalization("bn"),
                        DataType.DOUBLE, new NoOp(), seed), SmallNetworks.denseInput(10, DataType.DOUBLE, seed), seed)).isTrue();
                assertThat(gradientCheckWithOurKernels(SmallNetworks.conv(LeNetFactory.dl4jBatchNormalization("bn"),
                        DataType.DOUBLE, new NoOp(), seed), SmallNetworks.convInput(5, DataType.DOUBLE, seed), seed)).isTrue();
            }
        });
    }

    private static MultiLayerNetwork oneDnnBuilt(Variant variant) {
        MultiLayerNetwork network = new MultiLayerNetwork(LeNetFactory.configuration(variant, 0.9, SEED));
        network.init();
        return network;
    }

    private static List<Object> helpers(MultiLayerNetwork network) {
        return java.util.Arrays.stream(network.getLayers()).filter(BatchNormalization.class::isInstance)
                .map(Layer::getHelper).map(Object.class::cast).toList();
    }

    private static boolean gradientCheckWithOurKernels(MultiLayerNetwork net, INDArray input, long seed) {
        assertThat(ChannelBatchNormHelper.install(net)).isEqualTo(1);
        SmallNetworks.randomizeBatchNorm(net, seed);
        GradientCheckUtil.MLNConfig config = new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(SmallNetworks.oneHotLabels((int) input.size(0), DataType.DOUBLE))
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false)
                .excludeParams(Set.of("1_mean", "1_var"));
        return GradientCheckUtil.checkGradients(config);
    }

    private static void assertClose(INDArray actual, INDArray expected, double tolerance) {
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThan(tolerance * scale);
    }
}
