package com.trainingservice.training.network;

import static com.trainingservice.training.network.ScratchBatchNormalizationParamInitializer.BETA;
import static com.trainingservice.training.network.ScratchBatchNormalizationParamInitializer.GAMMA;
import static com.trainingservice.training.network.ScratchBatchNormalizationParamInitializer.RUNNING_MEAN;
import static com.trainingservice.training.network.ScratchBatchNormalizationParamInitializer.RUNNING_VAR;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Our own batch normalisation (the reference's "from scratch" layer), forward and backward written here: no DL4J
 * batch-norm op or helper is used.
 *
 * <p>Input [N, F]: statistics per feature over N. Input NCHW [N, C, H, W]: statistics per channel over N, H, W.
 * <ul>
 *   <li>training: batch mean and <em>biased</em> batch variance, {@code x_hat = (x - mean) / sqrt(var + eps)},
 *       {@code y = gamma * x_hat + beta};</li>
 *   <li>inference: the same with the running mean and variance;</li>
 *   <li>running statistics: {@code running = momentum * running + (1 - momentum) * batch} once per training step.
 *       Like DL4J's own BatchNormalization, the layer does not write them during forward (gradient checks and
 *       training-mode {@code output()} calls would corrupt them): backprop returns the decrement
 *       {@code (1 - momentum) * (running - batch)} as their "gradient", which the {@code NoOp} updater leaves
 *       alone, which is not divided by the minibatch size ({@link #updaterDivideByMinibatch}), and which the
 *       optimiser subtracts from the parameters.</li>
 * </ul>
 *
 * <p>Speed: the layer is a handful of passes over the arrays ({@link ChannelData}) instead of a dozen ND4J ops
 * (each a native call, several of them strided per-channel reductions, and small per-channel ops whose call
 * overhead exceeded their work). Forward: one pass for the statistics, one writing {@code x * scale + shift};
 * backward: one pass for the statistics and the two gradient sums, one writing {@code dx}; large arrays are
 * split across cores. The per-channel arithmetic is in double; the only arrays allocated are the output and the
 * input gradient, in DL4J's workspaces. Backprop recomputes the batch statistics from the input (in the pass it makes anyway) instead of
 * keeping them from the forward pass, so it never depends on which forward pass ran last.
 */
public class ScratchBatchNormalizationLayer extends BaseLayer<ScratchBatchNormalization> {

    /** The feature / channel axis for both [N, F] and NCHW input. */
    private static final int CHANNEL_AXIS = 1;

    public ScratchBatchNormalizationLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray x = ChannelData.contiguous(input.castTo(dataType));
        checkChannels(x);
        double[] mean = training ? null : ChannelData.of(getParam(RUNNING_MEAN)).toDoubles();
        double[] var = training ? null : ChannelData.of(getParam(RUNNING_VAR)).toDoubles();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        BatchNormKernels.forward(x, out, ChannelData.of(getParam(GAMMA)).toDoubles(),
                ChannelData.of(getParam(BETA)).toDoubles(), mean, var, layerConf().getEps());
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray x = ChannelData.contiguous(input.castTo(dataType));
        INDArray dOut = ChannelData.contiguous(epsilon.castTo(dataType));
        checkChannels(x);
        int channels = (int) x.size(CHANNEL_AXIS);
        // Backprop always follows a training-mode forward pass: batch statistics
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        BatchNormKernels.Result result = BatchNormKernels.backward(x, dOut, dx,
                ChannelData.of(getParam(GAMMA)).toDoubles(), layerConf().getEps());

        // Running statistics: "gradient" = running - new running = (1 - momentum) * (running - batch)
        double batchWeight = 1.0 - layerConf().getMomentum();
        double[] runningMean = ChannelData.of(getParam(RUNNING_MEAN)).toDoubles();
        double[] runningVar = ChannelData.of(getParam(RUNNING_VAR)).toDoubles();
        double[] dRunningMean = new double[channels];
        double[] dRunningVar = new double[channels];
        for (int c = 0; c < channels; c++) {
            dRunningMean[c] = batchWeight * (runningMean[c] - result.mean()[c]);
            dRunningVar[c] = batchWeight * (runningVar[c] - result.variance()[c]);
        }

        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(GAMMA, ChannelData.assign(gradientViews.get(GAMMA), result.dGamma()));
        gradient.setGradientFor(BETA, ChannelData.assign(gradientViews.get(BETA), result.dBeta()));
        gradient.setGradientFor(RUNNING_MEAN, ChannelData.assign(gradientViews.get(RUNNING_MEAN), dRunningMean));
        gradient.setGradientFor(RUNNING_VAR, ChannelData.assign(gradientViews.get(RUNNING_VAR), dRunningVar));
        return new Pair<>(gradient, dx);
    }

    /** The running-statistics "gradients" are exact decrements, not sums over examples: never average them. */
    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !ScratchBatchNormalizationParamInitializer.isRunningStatistic(paramName);
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void fit(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("ScratchBatchNormalization is trained as part of a network");
    }

    private void checkChannels(INDArray x) {
        int channels = (int) layerConf().getNOut();
        if ((x.rank() != 2 && x.rank() != 4) || x.size(CHANNEL_AXIS) != channels) {
            throw new IllegalArgumentException("ScratchBatchNormalization " + layerId() + " expects [N, " + channels
                    + "] or [N, " + channels + ", H, W] input, got " + java.util.Arrays.toString(x.shape()));
        }
    }
}
