package com.trainingservice.training.network;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense layer: DL4J's {@link DenseLayer} configuration (same JSON but for the class name), computed by
 * {@link FullyConnectedLayer}, whose matrix products go straight to the BLAS.
 */
public class FullyConnected extends DenseLayer {

    /** For Jackson (model files). */
    public FullyConnected() {
    }

    /** What {@code new DenseLayer.Builder().name(name).nOut(nOut).build()} configures. */
    public static FullyConnected of(String name, int nOut) {
        DenseLayer built = new DenseLayer.Builder().name(name).nOut(nOut).build();
        FullyConnected layer = new FullyConnected();
        // DL4J's builder sets defaults (NaN bias init, empty regularisation lists...) that its no-argument
        // constructor does not, and the constructor taking a builder is private: copy what it built
        for (Class<?> type = DenseLayer.class; type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    copy(field, built, layer);
                }
            }
        }
        return layer;
    }

    private static void copy(Field field, Object from, Object to) {
        try {
            field.setAccessible(true);
            field.set(to, field.get(from));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot copy " + field + " of DL4J's dense layer configuration", e);
        }
    }

    @Override
    public FullyConnected clone() {
        return (FullyConnected) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerWiring.wire(new FullyConnectedLayer(conf, networkDataType), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, initializer());
    }
}
