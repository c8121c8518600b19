package com.trainingservice.training.network;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's batch-norm layer (lenet-bn) computing with our kernels ({@link BatchNormKernels}, as our own layer does)
 * in place of its oneDNN helper. The layer stays DL4J's: its configuration, parameters, running-statistics
 * update and serialisation; only the arithmetic of the forward and backward pass is ours. oneDNN's helper
 * computes the batch statistics with two ND4J reductions over non-contiguous axes before its batch-norm
 * primitive, which made DL4J's batch norm 28 % of a lenet-bn training step; ours makes two passes each way.
 * Same results to float rounding ({@code ChannelBatchNormHelperTest}).
 */
public final class ChannelBatchNormHelper implements BatchNormalizationHelper {

    private static final LayerHelperField HELPER = LayerHelperField.of(BatchNormalization.class);

    private INDArray meanCache;
    private INDArray varCache;

    /**
     * Puts this helper where DL4J attached its oneDNN one, layer by layer; layers without one (helpers off, another
     * backend) keep DL4J's own path. Call after a network is built or restored (DL4J attaches helpers then).
     *
     * @return the number of layers that now compute with our kernels
     */
    public static int install(MultiLayerNetwork network) {
        int installed = 0;
        for (Layer layer : network.getLayers()) {
            if (layer instanceof BatchNormalization batchNorm && batchNorm.getHelper() instanceof MKLDNNBatchNormHelper
                    && HELPER.set(batchNorm, new ChannelBatchNormHelper())) {
                installed++;
            }
        }
        return installed;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                              INDArray mean, INDArray var, double decay, double eps, CNN2DFormat format,
                              LayerWorkspaceMgr workspaceMgr) {
        if (!supported(x, format) || gamma == null || beta == null) {
            return null;   // DL4J's own path
        }
        INDArray in = kernelView(x);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), in.shape(), 'c');
        double[] g = ChannelData.of(gamma).toDoubles();
        double[] b = ChannelData.of(beta).toDoubles();
        if (training) {
            BatchNormKernels.Result result = BatchNormKernels.forward(in, out, g, b, null, null, eps);
            cache(result, in.dataType());
        } else {
            BatchNormKernels.forward(in, out, g, b, ChannelData.of(ChannelData.contiguous(mean)).toDoubles(),
                    ChannelData.of(ChannelData.contiguous(var)).toDoubles(), eps);
        }
        return out.reshape('c', x.shape());
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView,
                                                     double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!supported(input, format) || gamma == null || dGammaView == null) {
            return null;
        }
        INDArray x = kernelView(input);
        INDArray dOut = kernelView(epsilon.castTo(input.dataType()));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), x.shape(), 'c');
        BatchNormKernels.Result result = BatchNormKernels.backward(x, dOut, dx, ChannelData.of(gamma).toDoubles(), eps);
        // the layer updates its running statistics from these after this call
        cache(result, x.dataType());

        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, ChannelData.assign(dGammaView, result.dGamma()));
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, ChannelData.assign(dBetaView, result.dBeta()));
        return new Pair<>(gradient, dx.reshape('c', input.shape()));
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return meanCache.castTo(dataType);
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return varCache.castTo(dataType);
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }

    private static boolean supported(INDArray x, CNN2DFormat format) {
        // the layer hands rank-2 input over as [N, C, 1, 1]
        return x.rank() == 4 && format == CNN2DFormat.NCHW
                && (x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE);
    }

    /**
     * An input as our kernels take it: c-order contiguous, and [N, C] for a dense layer's, which DL4J's layer hands
     * over as [N, C, 1, 1] (ND4J does not count c-order strides with unit dimensions as default ones). May be a
     * copy: outputs are allocated in this shape and reshaped on the way out, never written through a view.
     */
    private static INDArray kernelView(INDArray array) {
        INDArray shaped = array.size(2) == 1 && array.size(3) == 1
                ? array.reshape('c', array.size(0), array.size(1))
                : array;
        return ChannelData.contiguous(shaped);
    }

    private void cache(BatchNormKernels.Result result, DataType dataType) {
        int channels = result.mean().length;
        if (meanCache == null || meanCache.dataType() != dataType || meanCache.length() != channels) {
            try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                meanCache = Nd4j.createUninitialized(dataType, channels);
                varCache = Nd4j.createUninitialized(dataType, channels);
            }
        }
        ChannelData.assign(meanCache, result.mean());
        ChannelData.assign(varCache, result.variance());
    }
}
