package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.Variant;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Our sigmoid layer: what DL4J's ActivationLayer with the sigmoid computes, in fewer passes. */
class SigmoidActivationLayerTest {

    @Test
    void gradientsAreCorrectOnDenseAndConvolutionalInput() {
        SmallNetworks.inDoublePrecision(() -> {
            for (long seed : new long[] {1, 2}) {
                assertThat(gradientCheck(SmallNetworks.dense(SigmoidActivation.named("sigmoid"), DataType.DOUBLE,
                        new NoOp(), seed), SmallNetworks.denseInput(6, DataType.DOUBLE, seed))).isTrue();
                assertThat(gradientCheck(SmallNetworks.conv(SigmoidActivation.named("sigmoid"), DataType.DOUBLE,
                        new NoOp(), seed), SmallNetworks.convInput(4, DataType.DOUBLE, seed))).isTrue();
            }
        });
    }

    @Test
    void computesWhatDl4jsSigmoidLayerComputes() {
        for (boolean convolutional : new boolean[] {false, true}) {
            MultiLayerNetwork ours = network(convolutional, SigmoidActivation.named("sigmoid"));
            MultiLayerNetwork dl4j = network(convolutional,
                    new ActivationLayer.Builder().name("sigmoid").activation(Activation.SIGMOID).build());
            assertThat(ours.getLayer(1)).isInstanceOf(SigmoidActivationLayer.class);
            assertThat(ours.params()).isEqualTo(dl4j.params());
            INDArray input = convolutional ? SmallNetworks.convInput(16, DataType.FLOAT, 3)
                    : SmallNetworks.denseInput(16, DataType.FLOAT, 3);
            INDArray labels = SmallNetworks.oneHotLabels(16, DataType.FLOAT);

            for (MultiLayerNetwork network : new MultiLayerNetwork[] {ours, dl4j}) {
                network.setInput(input);
                network.setLabels(labels);
                network.computeGradientAndScore();
            }
            assertThat(ours.score()).isCloseTo(dl4j.score(), org.assertj.core.data.Offset.offset(1e-6));
            assertClose(ours.gradient().gradient(), dl4j.gradient().gradient(), 1e-5);
            assertClose(ours.output(input, false), dl4j.output(input, false), 1e-6);
        }
    }

    @Test
    void theFloatSigmoidIsWithinTwoTenthsOfAMillionthOfTheExactOneAndKeepsNaN() {
        int count = 4_000_001;
        float[] values = new float[count + 3];
        for (int i = 0; i < count; i++) {
            values[i] = -40f + 80f * i / (count - 1);
        }
        values[count] = Float.NaN;
        values[count + 1] = Float.NEGATIVE_INFINITY;
        values[count + 2] = Float.POSITIVE_INFINITY;
        float[] sigmoids = values.clone();

        ChannelData.sigmoid(sigmoids);

        double worst = 0;
        for (int i = 0; i < count; i++) {
            double exact = 1.0 / (1.0 + Math.exp(-(double) values[i]));
            worst = Math.max(worst, Math.abs(sigmoids[i] - exact));
            assertThat(sigmoids[i]).isBetween(0f, 1f);
        }
        assertThat(worst).isLessThan(2.1e-7);
        assertThat(sigmoids[count]).isNaN();
        assertThat(sigmoids[count + 1]).isBetween(0f, 1e-7f);
        assertThat(sigmoids[count + 2]).isBetween(1f - 1e-7f, 1f);
    }

    @Test
    void floatActivationsGoThroughTheVectorisedSigmoid() {
        MultiLayerNetwork network = network(true, SigmoidActivation.named("sigmoid"));
        INDArray preActivation = SmallNetworks.convInput(8, DataType.FLOAT, 4).mul(6);
        float[] expected = preActivation.data().asFloat();
        ChannelData.sigmoid(expected);

        INDArray output = network.getLayer(1).activate(preActivation, true, LayerWorkspaceMgr.noWorkspaces());

        assertThat(output.data().asFloat()).containsExactly(expected);
        assertClose(output, Transforms.sigmoid(preActivation, true), 2.1e-7);
    }

    @Test
    void aBackwardPassWithoutATrainingForwardPassComputesTheOutputAgain() {
        MultiLayerNetwork network = network(false, SigmoidActivation.named("sigmoid"));
        INDArray preActivation = SmallNetworks.denseInput(8, DataType.FLOAT, 5).getColumns(0, 1, 2, 3, 0);
        INDArray gradient = Nd4j.rand(DataType.FLOAT, 8, 5);
        org.deeplearning4j.nn.api.Layer sigmoid = network.getLayer(1);
        sigmoid.activate(preActivation, false, LayerWorkspaceMgr.noWorkspaces());   // inference: nothing kept

        INDArray backward = sigmoid.backpropGradient(gradient, LayerWorkspaceMgr.noWorkspaces()).getSecond();

        INDArray y = Transforms.sigmoid(preActivation, true);
        assertClose(backward, gradient.mul(y).mul(y.rsub(1.0)), 1e-6);
    }

    @Test
    void modelFilesKeepTheLayer() throws IOException {
        MultiLayerNetwork network = LeNetFactory.build(Variant.LENET_BN, 3);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ModelSerializer.writeModel(network, file, false);

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(file.toByteArray()), false);

        assertThat(restored.getLayer("sigmoid1")).isInstanceOf(SigmoidActivationLayer.class);
        assertThat(restored.getLayerWiseConfigurations()).isEqualTo(network.getLayerWiseConfigurations());
        INDArray images = Nd4j.rand(DataType.FLOAT, 4, 784);
        assertThat(restored.output(images, false)).isEqualTo(network.output(images, false));
    }

    private static MultiLayerNetwork network(boolean convolutional, org.deeplearning4j.nn.conf.layers.Layer sigmoid) {
        return convolutional ? SmallNetworks.conv(sigmoid, DataType.FLOAT, new NoOp(), 9)
                : SmallNetworks.dense(sigmoid, DataType.FLOAT, new NoOp(), 9);
    }

    private static boolean gradientCheck(MultiLayerNetwork net, INDArray input) {
        GradientCheckUtil.MLNConfig config = new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(SmallNetworks.oneHotLabels((int) input.size(0), DataType.DOUBLE))
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false);
        return GradientCheckUtil.checkGradients(config);
    }

    private static void assertClose(INDArray actual, INDArray expected, double tolerance) {
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThan(tolerance * scale);
    }
}
