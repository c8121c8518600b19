package com.trainingservice.training.network;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sigmoid as a layer of its own, after batch norm as the reference has it: DL4J's {@link ActivationLayer}
 * with the sigmoid (same configuration and JSON but for the class name), computed by {@link SigmoidActivationLayer}
 * in one pass each way instead of DL4J's copy plus op forward and copy plus op backward.
 */
public class SigmoidActivation extends ActivationLayer {

    /** For Jackson (model files) and the builder below. */
    public SigmoidActivation() {
        setActivationFn(new ActivationSigmoid());
    }

    public static SigmoidActivation named(String name) {
        SigmoidActivation layer = new SigmoidActivation();
        layer.setLayerName(name);
        return layer;
    }

    @Override
    public SigmoidActivation clone() {
        return (SigmoidActivation) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerWiring.wire(new SigmoidActivationLayer(conf, networkDataType), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, initializer());
    }
}
