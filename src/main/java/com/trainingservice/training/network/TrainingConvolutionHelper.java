package com.trainingservice.training.network;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.factory.Nd4j;

/**
 * oneDNN's convolution as DL4J's own helper runs it ({@link MKLDNNConvHelper}, which this wraps), minus two pieces
 * of work that DL4J's {@link ConvolutionLayer} does in every training step and throws away (measured with
 * oneDNN's verbose log, 2-core VM, batch 256; docs/performance.md):
 * <ol>
 *   <li>Its backprop first runs the forward convolution again, only to hand the result to the activation's
 *       backprop, and the identity activation (all our conv layers: batch norm and sigmoid are layers of their
 *       own) ignores it. Here that call gets an uninitialised array of the right shape: no convolution and none
 *       of oneDNN's layout reorders around it (about 3 ms of a 50 ms step).</li>
 *   <li>In the network's first layer, oneDNN's backward pass also computes the gradient with respect to the
 *       images, which {@code fit} discards ({@link MultiLayerNetwork}'s {@code computeGradientAndScore} drops
 *       layer 0's input gradient). For one input channel it was the most expensive primitive of a step: backward
 *       data on a copy of the input padded to 16 channels, 11 ms with its reorders. Here the first layer computes
 *       only the weight and bias gradients ({@link ConvolutionWeightGradient}, about 2 ms; for a padded first layer
 *       one forward convolution with examples and channels swapped, {@code dW[o][i] = sum_n x[n][i] * dy[n][o]},
 *       4 ms).</li>
 * </ol>
 * Both shortcuts recognise their caller on the stack, so every other use (inference,
 * {@code MultiLayerNetwork.calculateGradients} asking for input gradients, another activation) gets the full
 * computation. Same results to float rounding ({@code TrainingConvolutionHelperTest}).
 */
public final class TrainingConvolutionHelper implements ConvolutionHelper {

    private static final LayerHelperField HELPER = LayerHelperField.of(ConvolutionLayer.class);
    private static final StackWalker STACK = StackWalker.getInstance();
    private static final String LAYER = ConvolutionLayer.class.getName();
    private static final String NETWORK = MultiLayerNetwork.class.getName();

    private final ConvolutionHelper oneDnn;
    private final boolean firstLayer;
    private final boolean identityActivation;
    private OpContext weightGradientContext;

    TrainingConvolutionHelper(ConvolutionHelper oneDnn, boolean firstLayer, boolean identityActivation) {
        this.oneDnn = oneDnn;
        this.firstLayer = firstLayer;
        this.identityActivation = identityActivation;
    }

    /**
     * Wraps the oneDNN helper of each of {@code network}'s convolution layers; layers without one (helpers off,
     * another backend) keep DL4J's own path. Call after a network is built or restored.
     *
     * @return the number of layers that now run through this helper
     */
    public static int install(MultiLayerNetwork network) {
        int installed = 0;
        Layer[] layers = network.getLayers();
        for (int index = 0; index < layers.length; index++) {
            if (layers[index] instanceof ConvolutionLayer convolution && convolution.getClass() == ConvolutionLayer.class
                    && convolution.getHelper() instanceof MKLDNNConvHelper oneDnn) {
                boolean identity = convolution.layerConf().getActivationFn() instanceof ActivationIdentity;
                if (HELPER.set(convolution, new TrainingConvolutionHelper(oneDnn, index == 0, identity))) {
                    installed++;
                }
            }
        }
        return installed;
    }

    @Override
    public boolean checkSupported() {
        return oneDnn.checkSupported();
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation,
                              CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (identityActivation && input.dataType() == DataType.FLOAT && calledFrom(LAYER, "backpropGradient", 6)) {
            int[] outSize = ConvolutionUtils.getOutputSize(input, kernel, strides,
                    convolutionMode == ConvolutionMode.Same ? null : pad, convolutionMode, dilation, format);
            long examples = input.size(0);
            long channels = weights.size(0);
            long[] shape = format == CNN2DFormat.NCHW
                    ? new long[] {examples, channels, outSize[0], outSize[1]}
                    : new long[] {examples, outSize[0], outSize[1], channels};
            return workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), shape);
        }
        return oneDnn.preOutput(input, weights, bias, kernel, strides, pad, mode, fwdAlgo, convolutionMode, dilation,
                format, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn, AlgoMode mode,
                                                     BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (firstLayer && biasGradView != null && input.dataType() == DataType.FLOAT
                && delta.dataType() == DataType.FLOAT && format == CNN2DFormat.NCHW
                && convolutionMode != ConvolutionMode.Same && Arrays.equals(strides, new int[] {1, 1})
                && Arrays.equals(dilation, new int[] {1, 1}) && calledFrom(NETWORK, "computeGradientAndScore", 8)) {
            return parameterGradientsOnly(input, delta, kernel, pad, biasGradView, weightGradView, workspaceMgr);
        }
        return oneDnn.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView, weightGradView,
                afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode, dilation, format, workspaceMgr);
    }

    /**
     * The weight and bias gradients of a stride-1 convolution; the input gradient it returns is an uninitialised
     * array of the input's shape, which the network discards (it is layer 0's).
     */
    private Pair<Gradient, INDArray> parameterGradientsOnly(INDArray input, INDArray delta, int[] kernel, int[] pad,
                                                            INDArray biasGradView, INDArray weightGradView,
                                                            LayerWorkspaceMgr workspaceMgr) {
        if (ConvolutionWeightGradient.supports(input, delta, kernel, pad)) {
            ConvolutionWeightGradient.compute(input, delta, kernel[0], kernel[1], weightGradView, biasGradView);
        } else {
            swappedConvolutionGradients(input, delta, kernel, pad, biasGradView, weightGradView, workspaceMgr);
        }
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
        INDArray discarded = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(),
                input.shape(), 'c');
        return new Pair<>(gradient, discarded);
    }

    /**
     * The parameter gradients through libnd4j's convolution with examples and channels swapped, for a padded first
     * layer ({@link ConvolutionWeightGradient} takes unpadded ones).
     */
    private void swappedConvolutionGradients(INDArray input, INDArray delta, int[] kernel, int[] pad,
                                             INDArray biasGradView, INDArray weightGradView,
                                             LayerWorkspaceMgr workspaceMgr) {
        long inChannels = input.size(1);
        long outChannels = delta.size(1);
        // dW[o][i][p][q] = sum over n, y, x of in[n][i][y + p][x + q] * dy[n][o][y][x]: a convolution of an input
        // [inC, N, H, W] (examples as channels) with weights [outC, N, outH, outW], giving [inC, outC, kH, kW]
        INDArray swapped = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {inChannels, outChannels, kernel[0], kernel[1]}, 'c');
        if (weightGradientContext == null) {
            weightGradientContext = Nd4j.getExecutioner().buildContext();
        }
        OpContext context = weightGradientContext;
        context.purge();
        context.setIArguments(delta.size(2), delta.size(3), 1, 1, pad[0], pad[1], 1, 1,
                0,    // explicit padding, not "same"
                0,    // NCHW
                1);   // weights as [outC, inC, kH, kW]
        context.setInputArray(0, input.permute(1, 0, 2, 3));
        context.setInputArray(1, delta.permute(1, 0, 2, 3));
        context.setOutputArray(0, swapped);
        Nd4j.exec(new Conv2D(), context);
        weightGradView.assign(swapped.permute(1, 0, 2, 3));

        INDArray contiguousDelta = ChannelData.contiguous(delta);
        ChannelData.Layout layout = BatchNormKernels.layout(contiguousDelta);
        double[] mean = ChannelData.of(contiguousDelta).statistics(layout).mean();
        double[] sums = new double[mean.length];
        for (int channel = 0; channel < mean.length; channel++) {
            sums[channel] = mean[channel] * layout.perChannel();
        }
        ChannelData.assign(biasGradView, sums);
    }

    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        return oneDnn.activate(z, afn, training);
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return oneDnn.helperMemoryUse();
    }

    /** Whether {@code className.method} is among the {@code depth} innermost frames of this thread's stack. */
    private static boolean calledFrom(String className, String method, int depth) {
        return STACK.walk(frames -> frames.limit(depth)
                .anyMatch(frame -> frame.getMethodName().equals(method) && frame.getClassName().equals(className)));
    }
}
