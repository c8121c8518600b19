package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.trainingservice.training.Variant;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

class LeNetFactoryTest {

    /** conv1 156 + conv2 2,416 + dense 30,840 + 10,164 + 850. */
    private static final long LENET_PARAMS = 44_426;
    /** Plus gamma and beta of 6 + 16 + 120 + 84 features: the reference's 44,878. */
    private static final long LENET_BN_LEARNED_PARAMS = 44_878;
    private static final long RUNNING_STATISTICS = 452;

    @ParameterizedTest
    @EnumSource(Variant.class)
    void layerOutputShapesFollowTheReference(Variant variant) {
        MultiLayerNetwork net = LeNetFactory.build(variant, 42);
        INDArray images = Nd4j.rand(DataType.FLOAT, 3, 784);

        List<INDArray> activations = net.feedForward(images, false);   // [input, layer 0, layer 1, ...]
        List<long[]> expected = expectedOutputShapes(variant, 3);
        assertThat(activations).hasSize(expected.size() + 1);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(activations.get(i + 1).shape()).as("output of layer %d", i).isEqualTo(expected.get(i));
        }
        // the flatten between the last pooling and the first dense layer: 16 * 4 * 4 = 256
        assertThat(net.getLayer("dense3").getParam("W").shape()).containsExactly(256, 120);
        for (double total : activations.get(activations.size() - 1).sum(1).toDoubleVector()) {
            assertThat(total).isCloseTo(1.0, within(1e-5));   // softmax rows
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void configurationInputTypesMatchTheShapes(Variant variant) {
        MultiLayerConfiguration conf = LeNetFactory.configuration(variant, 0.9, 1);
        List<InputType> types = conf.getLayerActivationTypes(InputType.convolutionalFlat(28, 28, 1));
        assertThat(types).map(InputType::toString).contains(
                InputType.convolutional(24, 24, 6).toString(), InputType.convolutional(12, 12, 6).toString(),
                InputType.convolutional(8, 8, 16).toString(), InputType.convolutional(4, 4, 16).toString(),
                InputType.feedForward(120).toString(), InputType.feedForward(84).toString(),
                InputType.feedForward(10).toString());
    }

    @Test
    void parameterCountsOfTheBatchNormVariants() {
        for (Variant variant : List.of(Variant.LENET_BN_SCRATCH, Variant.LENET_BN)) {
            MultiLayerNetwork net = LeNetFactory.build(variant, 7);
            assertThat(learnedParameters(net)).as(variant.id()).isEqualTo(LENET_BN_LEARNED_PARAMS);
            assertThat(runningStatistics(net)).as(variant.id()).isEqualTo(RUNNING_STATISTICS);
            // DL4J counts the running statistics as parameters (they live in the params vector)
            assertThat(net.numParams()).as(variant.id()).isEqualTo(45_330);
        }
    }

    @Test
    void parameterCountOfPlainLeNet() {
        MultiLayerNetwork net = LeNetFactory.build(Variant.LENET, 7);
        assertThat(net.numParams()).isEqualTo(LENET_PARAMS);
        assertThat(LENET_BN_LEARNED_PARAMS - LENET_PARAMS).isEqualTo(2 * (6 + 16 + 120 + 84));
        assertThat(runningStatistics(net)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void layersAreConfiguredAsTheReference(Variant variant) {
        MultiLayerConfiguration conf = LeNetFactory.configuration(variant, 0.25, 3);
        List<org.deeplearning4j.nn.conf.layers.Layer> layers = conf.getConfs().stream().map(c -> c.getLayer()).toList();
        PoolingType expectedPooling = variant == Variant.LENET_BN_SCRATCH ? PoolingType.MAX : PoolingType.AVG;

        assertThat(conf.getDataType()).isEqualTo(DataType.FLOAT);
        assertThat(conf.getConfs()).allSatisfy(c -> {
            assertThat(c.getSeed()).isEqualTo(3);
            assertThat(c.isMiniBatch()).isTrue();
        });
        for (org.deeplearning4j.nn.conf.layers.Layer layer : layers) {
            if (layer instanceof ConvolutionLayer conv && !(layer instanceof SubsamplingLayer)) {
                assertThat(conv.getKernelSize()).containsExactly(5, 5);
                assertThat(conv.getStride()).containsExactly(1, 1);
                assertThat(conv.getPadding()).containsExactly(0, 0);
                assertThat(conv.getActivationFn()).isInstanceOf(ActivationIdentity.class);
            }
            if (layer instanceof SubsamplingLayer pool) {
                assertThat(pool.getPoolingType()).isEqualTo(expectedPooling.toPoolingType());
                assertThat(pool.getKernelSize()).containsExactly(2, 2);
                assertThat(pool.getStride()).containsExactly(2, 2);
            }
            if (layer instanceof DenseLayer dense) {
                assertThat(dense.getActivationFn()).isInstanceOf(ActivationIdentity.class);
            }
            if (layer instanceof ActivationLayer activation) {
                assertThat(activation.getActivationFn()).isInstanceOf(ActivationSigmoid.class);
            }
            if (layer instanceof BaseLayer base) {
                assertThat(base.getIUpdater()).isEqualTo(new Sgd(0.25));
                assertThat(base.getRegularization()).isNullOrEmpty();
                assertThat(base.getGradientNormalization().name()).isEqualTo("None");
            }
            if (layer instanceof BatchNormalization bn) {
                assertThat(bn.getEps()).isEqualTo(1e-5);
                assertThat(bn.getDecay()).isEqualTo(0.9);
                assertThat(bn.isUseLogStd()).isFalse();
            }
            if (layer instanceof ScratchBatchNormalization bn) {
                assertThat(bn.getEps()).isEqualTo(1e-5);
                assertThat(bn.getMomentum()).isEqualTo(0.9);
            }
        }
        OutputLayer output = (OutputLayer) layers.get(layers.size() - 1);
        assertThat(output.getActivationFn()).isInstanceOf(ActivationSoftmax.class);
        assertThat(output.getLossFn()).isInstanceOf(LossMCXENT.class);
        assertThat(output.getNOut()).isEqualTo(10);

        long batchNorms = layers.stream().filter(l -> l instanceof BatchNormalization
                || l instanceof ScratchBatchNormalization).count();
        assertThat(batchNorms).isEqualTo(variant == Variant.LENET ? 0 : 4);
    }

    @Test
    void weightsAreGlorotUniformAndBiasesZero() {
        MultiLayerNetwork net = LeNetFactory.build(Variant.LENET_BN, 11);
        // conv1: fanIn 1*5*5, fanOut 6*5*5; dense3: 256 in, 120 out
        assertUniformWithin(net.getLayer("conv1").getParam("W"), Math.sqrt(6.0 / (25 + 150)));
        assertUniformWithin(net.getLayer("conv2").getParam("W"), Math.sqrt(6.0 / (150 + 400)));
        assertUniformWithin(net.getLayer("dense3").getParam("W"), Math.sqrt(6.0 / (256 + 120)));
        for (String layer : List.of("conv1", "conv2", "dense3", "dense4", "output")) {
            assertThat(net.getLayer(layer).getParam("b").sumNumber().doubleValue()).isZero();
            assertThat(Transforms.abs(net.getLayer(layer).getParam("b")).maxNumber().doubleValue()).isZero();
        }
    }

    @Test
    void theSeedMakesInitialisationReproducible() {
        INDArray first = LeNetFactory.build(Variant.LENET_BN_SCRATCH, 5).params();
        INDArray second = LeNetFactory.build(Variant.LENET_BN_SCRATCH, 5).params();
        INDArray other = LeNetFactory.build(Variant.LENET_BN_SCRATCH, 6).params();
        assertThat(first).isEqualTo(second);
        assertThat(first).isNotEqualTo(other);
    }

    private static void assertUniformWithin(INDArray weights, double bound) {
        double max = weights.maxNumber().doubleValue();
        double min = weights.minNumber().doubleValue();
        assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
        assertThat(min).isGreaterThanOrEqualTo(-bound).isLessThan(-0.9 * bound);
        // uniform on (-s, s): variance s^2 / 3
        double variance = weights.varNumber().doubleValue();
        assertThat(variance).isCloseTo(bound * bound / 3, within(0.15 * bound * bound / 3));
    }

    private static long learnedParameters(MultiLayerNetwork net) {
        return net.paramTable().entrySet().stream().filter(e -> !isRunningStatistic(e.getKey()))
                .mapToLong(e -> e.getValue().length()).sum();
    }

    private static long runningStatistics(MultiLayerNetwork net) {
        return net.paramTable().entrySet().stream().filter(e -> isRunningStatistic(e.getKey()))
                .mapToLong(e -> e.getValue().length()).sum();
    }

    private static boolean isRunningStatistic(String key) {
        return key.endsWith("_mean") || key.endsWith("_var") || key.endsWith("_log10stdev");
    }

    private static List<long[]> expectedOutputShapes(Variant variant, long n) {
        boolean bn = variant != Variant.LENET;
        java.util.ArrayList<long[]> shapes = new java.util.ArrayList<>();
        addBlock(shapes, bn, new long[] {n, 6, 24, 24});
        shapes.add(new long[] {n, 6, 12, 12});
        addBlock(shapes, bn, new long[] {n, 16, 8, 8});
        shapes.add(new long[] {n, 16, 4, 4});
        addBlock(shapes, bn, new long[] {n, 120});
        addBlock(shapes, bn, new long[] {n, 84});
        shapes.add(new long[] {n, 10});
        return shapes;
    }

    /** linear layer, optional batch norm, sigmoid: all of the same shape. */
    private static void addBlock(List<long[]> shapes, boolean batchNorm, long[] shape) {
        shapes.add(shape);
        if (batchNorm) {
            shapes.add(shape);
        }
        shapes.add(shape);
    }
}
