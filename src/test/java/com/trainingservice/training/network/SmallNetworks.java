package com.trainingservice.training.network;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** Tiny networks around one batch-norm layer (index 1), for the layer tests. */
final class SmallNetworks {

    static final int DENSE_IN = 4;
    static final int DENSE_FEATURES = 5;
    static final int IMAGE_CHANNELS_IN = 2;
    static final int IMAGE_SIZE = 4;
    /** conv 2x2 on 4x4: 3 channels of 3x3. */
    static final int CONV_CHANNELS = 3;
    static final int CLASSES = 3;

    private SmallNetworks() {
    }

    /** Runs {@code check} with ND4J's default data types set to double (gradient checks), then restores them. */
    static void inDoublePrecision(Runnable check) {
        DataType previous = Nd4j.dataType();
        DataType previousFloating = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            check.run();
        } finally {
            Nd4j.setDefaultDataTypes(previous, previousFloating);
        }
    }

    /** dense 4->5 (tanh), batch norm on [N, 5], softmax output 5->3. */
    static MultiLayerNetwork dense(Layer batchNorm, DataType dataType, IUpdater updater, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(base(dataType, updater, seed)
                .layer(new DenseLayer.Builder().nOut(DENSE_FEATURES).activation(Activation.TANH).build())
                .layer(batchNorm)
                .layer(output())
                .setInputType(InputType.feedForward(DENSE_IN))
                .build());
        net.init();
        return net;
    }

    /** conv 2->3 2x2 (tanh) on 4x4, batch norm on NCHW [N, 3, 3, 3], softmax output 27->3. */
    static MultiLayerNetwork conv(Layer batchNorm, DataType dataType, IUpdater updater, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(base(dataType, updater, seed)
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(CONV_CHANNELS).activation(Activation.TANH).build())
                .layer(batchNorm)
                .layer(output())
                .setInputType(InputType.convolutional(IMAGE_SIZE, IMAGE_SIZE, IMAGE_CHANNELS_IN))
                .build());
        net.init();
        return net;
    }

    static INDArray denseInput(int n, DataType dataType, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(dataType, n, DENSE_IN).muli(2).addi(0.5);
    }

    static INDArray convInput(int n, DataType dataType, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(dataType, n, IMAGE_CHANNELS_IN, IMAGE_SIZE, IMAGE_SIZE).muli(1.5).addi(0.3);
    }

    static INDArray oneHotLabels(int n, DataType dataType) {
        INDArray labels = Nd4j.zeros(dataType, n, CLASSES);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % CLASSES, 1.0);
        }
        return labels;
    }

    /** Non-trivial gamma, beta and running statistics for the batch-norm layer at index 1. */
    static void randomizeBatchNorm(MultiLayerNetwork net, long seed) {
        org.deeplearning4j.nn.api.Layer bn = net.getLayer(1);
        long n = bn.getParam("gamma").length();
        DataType dataType = bn.getParam("gamma").dataType();
        Nd4j.getRandom().setSeed(seed);
        bn.getParam("gamma").assign(Nd4j.rand(dataType, n).addi(0.5));
        bn.getParam("beta").assign(Nd4j.randn(dataType, n));
        bn.getParam("mean").assign(Nd4j.randn(dataType, n));
        bn.getParam("var").assign(Nd4j.rand(dataType, n).addi(0.2));
    }

    private static NeuralNetConfiguration.ListBuilder base(DataType dataType, IUpdater updater, long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater)
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .activation(Activation.IDENTITY)
                .list();
    }

    private static OutputLayer output() {
        return new OutputLayer.Builder().nOut(CLASSES).activation(Activation.SOFTMAX)
                .lossFunction(new LossMCXENT()).build();
    }
}
