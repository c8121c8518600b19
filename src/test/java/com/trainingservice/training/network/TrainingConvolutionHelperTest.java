package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.TestData;
import com.trainingservice.training.Variant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The conv layers' helper: which work it leaves out of a training step, and that nothing else changes. */
class TrainingConvolutionHelperTest {

    private static final long SEED = 11;
    private static final int BATCH = 64;

    private static INDArray features;
    private static INDArray labels;

    @BeforeAll
    static void realImages() {
        DataSet batch = TestData.batch(TestData.full().train(), 100, BATCH);
        features = batch.getFeatures();
        labels = batch.getLabels();
    }

    @Test
    void everyVariantTrainsItsConvolutionsThroughIt() {
        for (Variant variant : Variant.values()) {
            assertThat(convolutionHelpers(LeNetFactory.build(variant, SEED)))
                    .hasSize(2).allMatch(TrainingConvolutionHelper.class::isInstance);
        }
        MultiLayerNetwork oneDnn = oneDnnBuilt(Variant.LENET_BN);
        assertThat(convolutionHelpers(oneDnn)).allMatch(MKLDNNConvHelper.class::isInstance);
        assertThat(TrainingConvolutionHelper.install(oneDnn)).isEqualTo(2);
    }

    @Test
    void aTrainingStepRunsEachForwardConvolutionOnceAndNoInputGradientForTheFirstLayer() {
        MultiLayerNetwork network = oneDnnBuilt(Variant.LENET_BN_SCRATCH);
        List<CountingHelper> counters = installCounting(network);

        network.fit(new DataSet(features, labels));

        // DL4J's layer asks for the forward convolution a second time in backprop; it is not run
        assertThat(counters).extracting(CountingHelper::forwardCalls).containsExactly(1, 1);
        // conv1's backward pass does not reach oneDNN (only its weight gradient is computed); conv2's does
        assertThat(counters).extracting(CountingHelper::backwardCalls).containsExactly(0, 1);

        network.output(features, false);
        assertThat(counters).extracting(CountingHelper::forwardCalls).containsExactly(2, 2);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void gradientsAndTrainingMatchOneDnnsOwnHelper(Variant variant) {
        MultiLayerNetwork ours = LeNetFactory.build(variant, SEED);
        MultiLayerNetwork oneDnn = withOurBatchNormKernels(oneDnnBuilt(variant));
        assertThat(ours.params()).isEqualTo(oneDnn.params());

        for (MultiLayerNetwork network : List.of(ours, oneDnn)) {
            network.setInput(features);
            network.setLabels(labels);
            network.computeGradientAndScore();
        }
        assertThat(ours.score()).isCloseTo(oneDnn.score(), org.assertj.core.data.Percentage.withPercentage(1e-4));
        Map<String, INDArray> expected = oneDnn.gradient().gradientForVariable();
        Map<String, INDArray> actual = ours.gradient().gradientForVariable();
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        // conv1's weight gradient is computed another way (a correlation instead of oneDNN's backward weights)
        assertRelativelyClose(actual.get("0_W"), expected.get("0_W"), 1e-5);
        // conv biases in front of batch norm have a true gradient of 0: only float rounding of large sums is left
        assertThat(actual.get("0_b").sub(expected.get("0_b")).amaxNumber().doubleValue())
                .isLessThan(1e-4 * expected.get("0_W").amaxNumber().doubleValue());
        assertRelativelyClose(ours.gradient().gradient(), oneDnn.gradient().gradient(), 1e-4);

        DataSet batch = new DataSet(features, labels);
        ours.fit(batch);
        oneDnn.fit(batch);
        assertRelativelyClose(ours.params(), oneDnn.params(), 2e-5);
        // later steps at learning rate 0.9 magnify rounding differences (OneDnnHelpersTest says why)
        for (int step = 1; step < 3; step++) {
            ours.fit(batch);
            oneDnn.fit(batch);
        }
        assertRelativelyClose(ours.params(), oneDnn.params(), 2e-3);
        assertRelativelyClose(ours.output(features, false), oneDnn.output(features, false), 2e-3);
    }

    @Test
    void whoeverAsksForTheInputGradientGetsIt() {
        MultiLayerNetwork ours = LeNetFactory.build(Variant.LENET_BN, SEED);
        MultiLayerNetwork oneDnn = withOurBatchNormKernels(oneDnnBuilt(Variant.LENET_BN));

        INDArray inputGradient = ours.calculateGradients(features, labels, null, null).getSecond();
        INDArray expected = oneDnn.calculateGradients(features, labels, null, null).getSecond();

        assertThat(inputGradient.shape()).isEqualTo(new long[] {BATCH, 784});
        assertThat(expected.amaxNumber().doubleValue()).isGreaterThan(1e-6);
        assertRelativelyClose(inputGradient, expected, 1e-5);
    }

    @Test
    void aPaddedFirstLayerGetsItsParameterGradientsThroughTheSwappedConvolution() {
        MultiLayerNetwork ours = paddedConvolution();
        MultiLayerNetwork oneDnn = paddedConvolution();
        List<CountingHelper> counters = installCounting(ours);
        assertThat(ConvolutionWeightGradient.supports(features.reshape(BATCH, 1, 28, 28),
                org.nd4j.linalg.factory.Nd4j.create(BATCH, 4, 26, 26), new int[] {5, 5}, new int[] {1, 1})).isFalse();

        for (MultiLayerNetwork network : List.of(ours, oneDnn)) {
            network.setInput(features);
            network.setLabels(labels);
            network.computeGradientAndScore();
        }

        assertRelativelyClose(ours.gradient().getGradientFor("0_W"), oneDnn.gradient().getGradientFor("0_W"), 1e-5);
        assertRelativelyClose(ours.gradient().getGradientFor("0_b"), oneDnn.gradient().getGradientFor("0_b"), 1e-5);
        assertThat(ours.score()).isEqualTo(oneDnn.score());
        assertThat(counters).extracting(CountingHelper::backwardCalls).containsExactly(0);   // not oneDNN's backward
    }

    /** conv 1 -> 4 channels, 5x5 with padding 1 (26x26 out), tanh, softmax output; DL4J's oneDNN helper. */
    private static MultiLayerNetwork paddedConvolution() {
        MultiLayerNetwork network = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(SEED).dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                .updater(new org.nd4j.linalg.learning.config.NoOp()).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(5, 5).padding(1, 1).nOut(4)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                        .lossFunction(new org.nd4j.linalg.lossfunctions.impl.LossMCXENT()).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutionalFlat(28, 28, 1))
                .build());
        network.init();
        return network;
    }

    private static MultiLayerNetwork oneDnnBuilt(Variant variant) {
        MultiLayerNetwork network = new MultiLayerNetwork(LeNetFactory.configuration(variant, 0.9, SEED));
        network.init();
        return network;
    }

    private static MultiLayerNetwork withOurBatchNormKernels(MultiLayerNetwork network) {
        ChannelBatchNormHelper.install(network);
        return network;
    }

    private static List<ConvolutionHelper> convolutionHelpers(MultiLayerNetwork network) {
        return Arrays.stream(network.getLayers()).filter(ConvolutionLayer.class::isInstance)
                .map(layer -> (ConvolutionHelper) layer.getHelper()).toList();
    }

    private static List<CountingHelper> installCounting(MultiLayerNetwork network) {
        LayerHelperField field = LayerHelperField.of(ConvolutionLayer.class);
        Layer[] layers = network.getLayers();
        List<CountingHelper> counters = new java.util.ArrayList<>();
        for (int index = 0; index < layers.length; index++) {
            if (layers[index] instanceof ConvolutionLayer convolution) {
                CountingHelper counting = new CountingHelper((ConvolutionHelper) convolution.getHelper());
                assertThat(field.set(convolution, new TrainingConvolutionHelper(counting, index == 0, true))).isTrue();
                counters.add(counting);
            }
        }
        return counters;
    }

    private static void assertRelativelyClose(INDArray actual, INDArray expected, double tolerance) {
        double scale = expected.amaxNumber().doubleValue();
        double difference = Transforms.abs(actual.sub(expected)).maxNumber().doubleValue();
        assertThat(difference / scale).isLessThan(tolerance);
    }

    /** oneDNN's helper, counting what reaches it. */
    private static final class CountingHelper implements ConvolutionHelper {
        private final ConvolutionHelper delegate;
        private int forwardCalls;
        private int backwardCalls;

        CountingHelper(ConvolutionHelper delegate) {
            this.delegate = delegate;
        }

        int forwardCalls() {
            return forwardCalls;
        }

        int backwardCalls() {
            return backwardCalls;
        }

        @Override
        public boolean checkSupported() {
            return delegate.checkSupported();
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias,
                INDArray delta, int[] kernel, int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView,
                IActivation afn, AlgoMode mode, BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
            backwardCalls++;
            return delegate.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView,
                    weightGradView, afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode, dilation, format,
                    workspaceMgr);
        }

        @Override
        public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides,
                int[] pad, AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation,
                CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
            forwardCalls++;
            return delegate.preOutput(input, weights, bias, kernel, strides, pad, mode, fwdAlgo, convolutionMode,
                    dilation, format, workspaceMgr);
        }

        @Override
        public INDArray activate(INDArray z, IActivation afn, boolean training) {
            return delegate.activate(z, afn, training);
        }

        @Override
        public Map<String, Long> helperMemoryUse() {
            return delegate.helperMemoryUse();
        }
    }
}
