package com.trainingservice.training.network;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2x2 pooling with stride 2, as the reference has it: DL4J's {@link SubsamplingLayer} configuration (same JSON but
 * for the class name), computed by {@link TwoByTwoPoolingLayer}, whose forward pass is one pass in Java instead of
 * libnd4j's op on oneDNN's slow plain-NCHW path.
 */
public class TwoByTwoPooling extends SubsamplingLayer {

    /** For Jackson (model files). */
    public TwoByTwoPooling() {
    }

    private TwoByTwoPooling(SubsamplingLayer.Builder builder) {
        super(builder);
    }

    /** Max or average pooling over 2x2 windows with stride 2, no padding, NCHW. */
    public static TwoByTwoPooling of(String name, SubsamplingLayer.PoolingType type) {
        return new TwoByTwoPooling(new SubsamplingLayer.Builder(type).name(name).kernelSize(2, 2).stride(2, 2)
                .padding(0, 0).dataFormat(CNN2DFormat.NCHW));
    }

    @Override
    public TwoByTwoPooling clone() {
        return (TwoByTwoPooling) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerWiring.wire(new TwoByTwoPoolingLayer(conf, networkDataType), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, initializer());
    }
}
