package com.trainingservice.training.network;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of {@link ScratchBatchNormalization}, laid out in the layer's slice of the network's flat
 * parameter vector as [gamma | beta | running mean | running variance], each of length nOut.
 *
 * <p>The running statistics are state, not learned parameters, but living in the params view means
 * {@code ModelSerializer} saves and restores them with the model (DL4J's own BatchNormalization does the same).
 */
public final class ScratchBatchNormalizationParamInitializer implements ParamInitializer {

    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";
    public static final String RUNNING_MEAN = "mean";
    public static final String RUNNING_VAR = "var";

    private static final List<String> KEYS = List.of(GAMMA, BETA, RUNNING_MEAN, RUNNING_VAR);
    private static final ScratchBatchNormalizationParamInitializer INSTANCE =
            new ScratchBatchNormalizationParamInitializer();

    private ScratchBatchNormalizationParamInitializer() {
    }

    public static ScratchBatchNormalizationParamInitializer getInstance() {
        return INSTANCE;
    }

    /** True for the running mean and variance: state the layer updates itself, not learned by the optimiser. */
    public static boolean isRunningStatistic(String paramName) {
        return RUNNING_MEAN.equals(paramName) || RUNNING_VAR.equals(paramName);
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return 4 * ((ScratchBatchNormalization) layer).getNOut();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return false;
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramView, boolean initializeParams) {
        Map<String, INDArray> params = slices(conf, paramView);
        if (initializeParams) {
            params.get(GAMMA).assign(1.0);
            params.get(BETA).assign(0.0);
            params.get(RUNNING_MEAN).assign(0.0);
            params.get(RUNNING_VAR).assign(1.0);
        }
        params.keySet().forEach(conf::addVariable);
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return slices(conf, gradientView);
    }

    /** Views of length nOut into the flat array, in {@link #KEYS} order. */
    private static Map<String, INDArray> slices(NeuralNetConfiguration conf, INDArray flat) {
        long nOut = ((ScratchBatchNormalization) conf.getLayer()).getNOut();
        INDArray vector = flat.reshape(flat.length());
        Map<String, INDArray> out = Collections.synchronizedMap(new LinkedHashMap<>());
        for (int i = 0; i < KEYS.size(); i++) {
            out.put(KEYS.get(i), vector.get(NDArrayIndex.interval(i * nOut, (i + 1) * nOut)));
        }
        return out;
    }
}
