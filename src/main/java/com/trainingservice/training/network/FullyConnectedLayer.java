package com.trainingservice.training.network;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FullyConnected}'s implementation: DL4J's dense layer with its two matrix products per pass through
 * {@code Nd4j.gemm} into c-order arrays. DL4J's own goes through {@code INDArray.mmuli}, which copies the weights
 * into the input's ordering, multiplies into an f-order temporary and copies that into the c-order output: 0.73 ms
 * against 0.15 ms for dense3's [256, 256] x [256, 120] (micro-benchmark, docs/performance.md). And its backward
 * pass first recomputes the forward product only to hand it to the activation's backprop, which the identity
 * activation (all our dense layers: batch norm and sigmoid are layers of their own) ignores. Anything else (layer
 * norm, masks, dropout, weight noise, another activation) goes DL4J's way.
 */
public class FullyConnectedLayer extends DenseLayer {

    public FullyConnectedLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean plain() {
        return !hasLayerNorm() && maskArray == null && layerConf().getIDropout() == null
                && layerConf().getWeightNoise() == null && input != null && input.rank() == 2;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                                                            LayerWorkspaceMgr workspaceMgr) {
        INDArray weights = getParam(DefaultParamInitializer.WEIGHT_KEY);
        if (!plain() || input.columns() != weights.rows()) {
            return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);   // and its input errors
        }
        assertInputSet(forBackprop);
        INDArray out = product(input, weights, hasBias() ? getParam(DefaultParamInitializer.BIAS_KEY) : null,
                workspaceMgr);
        return new Pair<>(out, out);
    }

    /** {@code input W + b} (b may be null) into a new c-order activations array. */
    private static INDArray product(INDArray input, INDArray weights, INDArray bias, LayerWorkspaceMgr workspaceMgr) {
        INDArray in = input.castTo(weights.dataType());
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, weights.dataType(),
                new long[] {in.size(0), weights.size(1)}, 'c');
        Nd4j.gemm(in, weights, out, false, false, 1.0, 0.0);
        if (bias != null) {
            out.addiRowVector(bias);
        }
        return out;
    }

    /** {@code delta W^T}, the gradient with respect to the input, into a new c-order array. */
    private static INDArray inputGradient(INDArray delta, INDArray weights, LayerWorkspaceMgr workspaceMgr) {
        INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                new long[] {delta.size(0), weights.size(0)}, 'c');
        Nd4j.gemm(delta, weights, inputGradient, false, true, 1.0, 0.0);
        return inputGradient;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!plain() || !(layerConf().getActivationFn() instanceof ActivationIdentity)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray weights = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray delta = epsilon.castTo(weights.dataType());   // the identity's backprop: epsilon itself
        Gradient gradient = new DefaultGradient();
        if (hasBias()) {
            INDArray biasGradient = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            delta.sum(biasGradient, 0);
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGradient);
        }
        INDArray inputGradient = inputGradient(delta, weights, workspaceMgr);
        INDArray weightGradient = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(input.castTo(weightGradient.dataType()), delta, weightGradient, true, false, 1.0, 0.0);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGradient);
        weightNoiseParams.clear();
        return new Pair<>(gradient, inputGradient);
    }
}
