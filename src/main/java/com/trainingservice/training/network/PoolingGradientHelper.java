package com.trainingservice.training.network;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingHelper;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The backward pass of our pooling layers (2x2, stride 2, max or average) in one pass over the input, in place of
 * DL4J's oneDNN helper ({@link MKLDNNSubsamplingHelper}, which this wraps for everything else). oneDNN's max
 * pooling backward first runs the forward pass again to record where each maximum was, and both passes work on
 * the plain NCHW layout oneDNN is slow with: 4 ms per step for pool1's [256, 6, 24, 24] (oneDNN's verbose log),
 * about 1 ms here ({@link ChannelData#assignPooling2x2Gradient}). DL4J's layer never asks its helper for the
 * forward pass: {@link TwoByTwoPoolingLayer} does it.
 */
public final class PoolingGradientHelper implements SubsamplingHelper {

    private static final LayerHelperField HELPER = LayerHelperField.of(SubsamplingLayer.class);
    private static final int[] TWO_BY_TWO = {2, 2};

    private final SubsamplingHelper oneDnn;

    PoolingGradientHelper(SubsamplingHelper oneDnn) {
        this.oneDnn = oneDnn;
    }

    /**
     * Wraps the oneDNN helper of each of {@code network}'s pooling layers; layers without one keep DL4J's path.
     *
     * @return the number of layers that now run through this helper
     */
    public static int install(MultiLayerNetwork network) {
        int installed = 0;
        for (Layer layer : network.getLayers()) {
            if (layer instanceof SubsamplingLayer pooling
                    && (pooling.getClass() == SubsamplingLayer.class || pooling instanceof TwoByTwoPoolingLayer)
                    && pooling.getHelper() instanceof MKLDNNSubsamplingHelper oneDnn
                    && HELPER.set(pooling, new PoolingGradientHelper(oneDnn))) {
                installed++;
            }
        }
        return installed;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, int[] kernel, int[] strides,
                                                     int[] pad, PoolingType poolingType,
                                                     ConvolutionMode convolutionMode, int[] dilation,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!supported(input, kernel, strides, pad, poolingType, convolutionMode, dilation, format)
                || !Arrays.equals(epsilon.shape(),
                        new long[] {input.size(0), input.size(1), input.size(2) / 2, input.size(3) / 2})) {
            return oneDnn.backpropGradient(input, epsilon, kernel, strides, pad, poolingType, convolutionMode,
                    dilation, format, workspaceMgr);
        }
        INDArray x = ChannelData.contiguous(input);
        INDArray dy = ChannelData.contiguous(epsilon.castTo(x.dataType()));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        ChannelData.of(dx).assignPooling2x2Gradient(BatchNormKernels.layout(dx), (int) x.size(2), (int) x.size(3),
                ChannelData.of(x), ChannelData.of(dy), poolingType == PoolingType.MAX);
        return new Pair<>(new DefaultGradient(), ChannelData.written(dx));
    }

    /** Float NCHW max or average pooling over 2x2 windows, stride 2, no padding: what our passes compute. */
    static boolean supported(INDArray input, int[] kernel, int[] strides, int[] pad, PoolingType poolingType,
                             ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format) {
        return (poolingType == PoolingType.MAX || poolingType == PoolingType.AVG)
                && format == CNN2DFormat.NCHW && convolutionMode != ConvolutionMode.Same
                && Arrays.equals(kernel, TWO_BY_TWO) && Arrays.equals(strides, TWO_BY_TWO)
                && Arrays.equals(pad, new int[] {0, 0}) && Arrays.equals(dilation, new int[] {1, 1})
                && input.rank() == 4 && input.dataType() == DataType.FLOAT;
    }

    @Override
    public INDArray activate(INDArray input, boolean training, int[] kernel, int[] strides, int[] pad,
                             PoolingType poolingType, ConvolutionMode convolutionMode, int[] dilation,
                             CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        return oneDnn.activate(input, training, kernel, strides, pad, poolingType, convolutionMode, dilation, format,
                workspaceMgr);
    }

    @Override
    public boolean checkSupported() {
        return oneDnn.checkSupported();
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return oneDnn.helperMemoryUse();
    }
}
