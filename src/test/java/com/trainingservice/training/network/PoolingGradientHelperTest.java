package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.Variant;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The pooling layers' backward pass: the gradient oneDNN's helper gives, in one pass. */
class PoolingGradientHelperTest {

    @BeforeAll
    static void oneDnnHelpers() {
        assertThat(OneDnnHelpers.configure().enabled()).isTrue();
    }

    @Test
    void everyVariantTrainsItsPoolingThroughIt() {
        for (Variant variant : Variant.values()) {
            assertThat(Arrays.stream(LeNetFactory.build(variant, 1).getLayers())
                    .filter(org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class::isInstance)
                    .map(org.deeplearning4j.nn.api.Layer::getHelper))
                    .hasSize(2).allMatch(PoolingGradientHelper.class::isInstance);
        }
    }

    @ParameterizedTest
    @EnumSource(value = PoolingType.class, names = {"MAX", "AVG"})
    void inputGradientsAreDl4jsWithTiesAndAnOddSize(PoolingType type) {
        for (int size : new int[] {6, 5}) {
            assertGradientsAsDl4js(type, size, DataType.FLOAT);
        }
    }

    private static void assertGradientsAsDl4js(PoolingType type, int size, DataType dataType) {
        MultiLayerNetwork ours = pooling(type, size, dataType);
        MultiLayerNetwork dl4j = pooling(type, size, dataType);
        assertThat(dl4j.getLayer(0).getHelper()).isInstanceOf(MKLDNNSubsamplingHelper.class);
        assertThat(PoolingGradientHelper.install(ours)).isEqualTo(1);
        // small integers: many windows hold their maximum twice
        Nd4j.getRandom().setSeed(size);
        INDArray images = Transforms.floor(Nd4j.rand(dataType, 8, 3, size, size).muli(4), false);
        INDArray labels = Nd4j.zeros(dataType, 8, 2);
        for (int i = 0; i < 8; i++) {
            labels.putScalar(i, i % 2, 1f);
        }

        INDArray expected = dl4j.calculateGradients(images, labels, null, null).getSecond();
        INDArray actual = ours.calculateGradients(images, labels, null, null).getSecond();

        assertThat(expected.amaxNumber().doubleValue()).isGreaterThan(1e-4);
        assertThat(Transforms.abs(actual.sub(expected)).maxNumber().doubleValue())
                .as("%s pooling, %dx%d, %s", type, size, size, dataType).isLessThan(1e-7);
        if (size == 5) {
            // the last row and column are in no window
            assertThat(actual.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(4),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).amaxNumber().doubleValue()).isZero();
        }
    }

    /** 2x2 pooling with stride 2 on [N, 3, size, size], then a softmax output layer. */
    private static MultiLayerNetwork pooling(PoolingType type, int size, DataType dataType) {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3).dataType(dataType).updater(new NoOp())
                .convolutionMode(ConvolutionMode.Truncate)
                .list()
                .layer(new SubsamplingLayer.Builder(type).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX)
                        .lossFunction(new LossMCXENT()).build())
                .setInputType(InputType.convolutional(size, size, 3))
                .build());
        network.init();
        return network;
    }
}
