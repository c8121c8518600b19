package com.trainingservice.training.network;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The softmax output layer with cross-entropy loss: DL4J's {@link OutputLayer} configuration (same JSON but for the
 * class name), computed by {@link SoftmaxOutputLayer}, whose matrix products go straight to the BLAS as
 * {@link FullyConnectedLayer}'s do.
 */
public class SoftmaxOutput extends OutputLayer {

    /** For Jackson (model files). */
    public SoftmaxOutput() {
    }

    private SoftmaxOutput(OutputLayer.Builder builder) {
        super(builder);
    }

    /** {@code nOut} classes, softmax activation, multi-class cross-entropy. */
    public static SoftmaxOutput of(String name, int nOut) {
        return new SoftmaxOutput(new OutputLayer.Builder().name(name).nOut(nOut).activation(Activation.SOFTMAX)
                .lossFunction(new LossMCXENT()));
    }

    @Override
    public SoftmaxOutput clone() {
        return (SoftmaxOutput) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerWiring.wire(new SoftmaxOutputLayer(conf, networkDataType), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, initializer());
    }
}
