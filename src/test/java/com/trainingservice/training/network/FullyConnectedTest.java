package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.Variant;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/** Our dense layer: DL4J's dense layer, computed with direct matrix products. */
class FullyConnectedTest {

    private static final int IN = 12;
    private static final int OUT = 7;

    @Test
    void configuresWhatDl4jsBuilderConfigures() throws IOException {
        var mapper = NeuralNetConfiguration.mapper();
        ObjectNode ours = (ObjectNode) mapper.readTree(mapper.writeValueAsString(FullyConnected.of("dense", OUT)));
        ObjectNode dl4j = (ObjectNode) mapper.readTree(mapper.writeValueAsString(
                new DenseLayer.Builder().name("dense").nOut(OUT).build()));

        assertThat(ours.remove("@class").asText()).isEqualTo(FullyConnected.class.getName());
        dl4j.remove("@class");
        assertThat(ours).isEqualTo(dl4j);
    }

    @Test
    void computesWhatDl4jsDenseLayerComputesAndTrainsTheSame() {
        MultiLayerNetwork ours = network(FullyConnected.of("dense", OUT), DataType.FLOAT);
        MultiLayerNetwork dl4j = network(new DenseLayer.Builder().name("dense").nOut(OUT).build(), DataType.FLOAT);
        assertThat(ours.getLayer(0)).isInstanceOf(FullyConnectedLayer.class);
        assertThat(ours.params()).isEqualTo(dl4j.params());
        Nd4j.getRandom().setSeed(5);
        INDArray input = Nd4j.randn(DataType.FLOAT, 32, IN);
        INDArray labels = SmallNetworks.oneHotLabels(32, DataType.FLOAT);

        for (MultiLayerNetwork network : new MultiLayerNetwork[] {ours, dl4j}) {
            network.setInput(input);
            network.setLabels(labels);
            network.computeGradientAndScore();
        }

        assertThat(ours.score()).isCloseTo(dl4j.score(), org.assertj.core.data.Offset.offset(1e-6));
        assertClose(ours.gradient().gradient(), dl4j.gradient().gradient(), 1e-6);
        assertClose(ours.output(input, false), dl4j.output(input, false), 1e-6);
        // and the input gradient, for whoever asks for it
        assertClose(ours.calculateGradients(input, labels, null, null).getSecond(),
                dl4j.calculateGradients(input, labels, null, null).getSecond(), 1e-6);
        for (int step = 0; step < 3; step++) {
            ours.fit(new DataSet(input, labels));
            dl4j.fit(new DataSet(input, labels));
        }
        assertClose(ours.params(), dl4j.params(), 1e-5);
    }

    @Test
    void gradientsAreCorrectWithTheIdentityAndWithAnotherActivation() {
        SmallNetworks.inDoublePrecision(() -> {
            for (Activation activation : new Activation[] {Activation.IDENTITY, Activation.TANH}) {
                FullyConnected dense = FullyConnected.of("dense", OUT);
                dense.setActivationFn(activation.getActivationFunction());
                assertThat(gradientCheck(network(dense, DataType.DOUBLE), 6)).as("%s", activation).isTrue();
            }
        });
    }

    @Test
    void modelFilesKeepTheLayer() throws IOException {
        MultiLayerNetwork network = LeNetFactory.build(Variant.LENET_BN, 3);
        assertThat(network.getLayer("dense3")).isInstanceOf(FullyConnectedLayer.class);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ModelSerializer.writeModel(network, file, false);

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(file.toByteArray()), false);

        assertThat(restored.getLayer("dense4")).isInstanceOf(FullyConnectedLayer.class);
        INDArray images = Nd4j.rand(DataType.FLOAT, 4, 784);
        assertThat(restored.output(images, false)).isEqualTo(network.output(images, false));
    }

    private static boolean gradientCheck(MultiLayerNetwork network, int examples) {
        Nd4j.getRandom().setSeed(7);
        INDArray input = Nd4j.randn(DataType.DOUBLE, examples, IN);
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(network).input(input)
                .labels(SmallNetworks.oneHotLabels(examples, DataType.DOUBLE))
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
    }

    /** The dense layer under test (index 0), then a sigmoid and DL4J's softmax output over 3 classes. */
    private static MultiLayerNetwork network(Layer dense, DataType dataType) {
        return network(dense, new OutputLayer.Builder().nOut(SmallNetworks.CLASSES).activation(Activation.SOFTMAX)
                .lossFunction(new LossMCXENT()).build(), dataType);
    }

    private static MultiLayerNetwork network(Layer dense, Layer output, DataType dataType) {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3).dataType(dataType).updater(dataType == DataType.DOUBLE ? new NoOp() : new Sgd(0.5))
                .weightInit(WeightInit.XAVIER).activation(Activation.IDENTITY).list()
                .layer(dense)
                .layer(SigmoidActivation.named("sigmoid"))
                .layer(output)
                .setInputType(InputType.feedForward(IN))
                .build());
        network.init();
        return network;
    }

    private static void assertClose(INDArray actual, INDArray expected, double tolerance) {
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThan(tolerance * scale);
    }
}
