package com.trainingservice.training.network;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link SoftmaxOutput}'s implementation: DL4J's output layer with its matrix products through
 * {@link FullyConnectedLayer#product} and {@link FullyConnectedLayer#inputGradient} (DL4J's {@code mmuli} path
 * copies the weights and the result on every call; a step multiplies four times here: forward, score, and twice in
 * backprop). Masks, dropout and weight noise go DL4J's way.
 */
public class SoftmaxOutputLayer extends OutputLayer {

    public SoftmaxOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean plain() {
        return maskArray == null && layerConf().getIDropout() == null && layerConf().getWeightNoise() == null
                && input != null && input.rank() == 2
                && input.columns() == getParam(DefaultParamInitializer.WEIGHT_KEY).rows();
    }

    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                                                            LayerWorkspaceMgr workspaceMgr) {
        if (!plain() || hasLayerNorm()) {
            return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
        }
        assertInputSet(forBackprop);
        INDArray out = FullyConnectedLayer.product(input, getParam(DefaultParamInitializer.WEIGHT_KEY),
                hasBias() ? getParam(DefaultParamInitializer.BIAS_KEY) : null, workspaceMgr);
        return new Pair<>(out, out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!plain() || hasLayerNorm()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray weights = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray delta = layerConf().getLossFn().computeGradient(labels, preOutput2d(true, workspaceMgr),
                layerConf().getActivationFn(), null);
        Gradient gradient = new DefaultGradient();
        INDArray weightGradient = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(input.castTo(weightGradient.dataType()), delta, weightGradient, true, false, 1.0, 0.0);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGradient);
        if (hasBias()) {
            INDArray biasGradient = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            delta.sum(biasGradient, 0);
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGradient);
        }
        delta = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, delta);
        return new Pair<>(gradient, FullyConnectedLayer.inputGradient(delta, weights, workspaceMgr));
    }
}
