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
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Our own batch normalisation (the reference's "from scratch" layer), forward and backward written with plain
 * ND4J ops: no DL4J batch-norm op or helper is used.
 *
 * <p>Input [N, F]: statistics per feature over N. Input NCHW [N, C, H, W]: statistics per channel over N, H, W.
 * In both cases the feature/channel axis is 1, so one code path serves both ranks.
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
 * <p>Backprop recomputes the batch statistics from the layer input instead of caching them from the forward
 * pass: the input is guaranteed valid during backprop in every workspace configuration, a cache is not, and the
 * cost (two reductions) is small next to the convolutions.
 */
public class ScratchBatchNormalizationLayer extends BaseLayer<ScratchBatchNormalization> {

    /** The feature / channel axis for both [N, F] and NCHW input. */
    private static final int CHANNEL_AXIS = 1;
    private static final int[] DENSE_REDUCTION_AXES = {0};
    private static final int[] NCHW_REDUCTION_AXES = {0, 2, 3};

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
        INDArray x = contiguous(input.castTo(dataType));
        int[] axes = reductionAxes(x);

        INDArray mean;
        INDArray var;
        if (training) {
            mean = x.mean(axes);
            var = biasedVariance(x, axes);
        } else {
            mean = getParam(RUNNING_MEAN);
            var = getParam(RUNNING_VAR);
        }
        INDArray invStd = inverseStd(var);

        // gamma * (x - mean) * invStd + beta == x * scale + shift: two passes over the big array instead of four
        // (PyTorch's CPU batch norm does the same).
        INDArray scale = getParam(GAMMA).mul(invStd);
        INDArray shift = getParam(BETA).sub(mean.mul(scale));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        Nd4j.exec(new BroadcastMulOp(x, scale, out, CHANNEL_AXIS));
        Nd4j.exec(new BroadcastAddOp(out, shift, out, CHANNEL_AXIS));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray x = contiguous(input.castTo(dataType));
        INDArray dOut = contiguous(epsilon.castTo(dataType));
        int[] axes = reductionAxes(x);
        long perChannelCount = x.length() / x.size(CHANNEL_AXIS);   // N' = N (dense) or N*H*W (conv)
        ScratchBatchNormalization conf = layerConf();

        // Backprop always follows a training-mode forward pass: batch statistics.
        INDArray batchMean = x.mean(axes);
        INDArray batchVar = biasedVariance(x, axes);
        INDArray invStd = inverseStd(batchVar);

        INDArray xHat = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
        Nd4j.exec(new BroadcastSubOp(x, batchMean, xHat, CHANNEL_AXIS));
        Nd4j.exec(new BroadcastMulOp(xHat, invStd, xHat, CHANNEL_AXIS));

        // dL/dbeta = sum(dOut), dL/dgamma = sum(dOut * x_hat), summed over everything but the channel axis
        INDArray dBeta = gradientViews.get(BETA);
        INDArray dGamma = gradientViews.get(GAMMA);
        dOut.sum(dBeta, axes);
        INDArray work = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
        Nd4j.exec(new MulOp(dOut, xHat, work));
        work.sum(dGamma, axes);

        // dx = invStd / N' * (N' * dxhat - sum(dxhat) - x_hat * sum(dxhat * x_hat)) with dxhat = gamma * dOut,
        // i.e. dx = a * dOut + b * x_hat + c with per-channel a = gamma * invStd, b = -a * dGamma / N',
        // c = -a * dBeta / N'.
        INDArray a = getParam(GAMMA).mul(invStd);
        INDArray b = a.mul(dGamma).divi(-perChannelCount);
        INDArray c = a.mul(dBeta).divi(-perChannelCount);
        Nd4j.exec(new BroadcastMulOp(xHat, b, work, CHANNEL_AXIS));
        Nd4j.exec(new BroadcastAddOp(work, c, work, CHANNEL_AXIS));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        Nd4j.exec(new BroadcastMulOp(dOut, a, dx, CHANNEL_AXIS));
        dx.addi(work);

        // Running statistics: "gradient" = running - new running = (1 - momentum) * (running - batch)
        double batchWeight = 1.0 - conf.getMomentum();
        INDArray dRunningMean = gradientViews.get(RUNNING_MEAN);
        INDArray dRunningVar = gradientViews.get(RUNNING_VAR);
        dRunningMean.assign(getParam(RUNNING_MEAN)).subi(batchMean).muli(batchWeight);
        dRunningVar.assign(getParam(RUNNING_VAR)).subi(batchVar).muli(batchWeight);

        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(GAMMA, dGamma);
        gradient.setGradientFor(BETA, dBeta);
        gradient.setGradientFor(RUNNING_MEAN, dRunningMean);
        gradient.setGradientFor(RUNNING_VAR, dRunningVar);
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

    private int[] reductionAxes(INDArray x) {
        int channels = (int) layerConf().getNOut();
        if ((x.rank() != 2 && x.rank() != 4) || x.size(CHANNEL_AXIS) != channels) {
            throw new IllegalArgumentException("ScratchBatchNormalization " + layerId() + " expects [N, " + channels
                    + "] or [N, " + channels + ", H, W] input, got " + java.util.Arrays.toString(x.shape()));
        }
        return x.rank() == 2 ? DENSE_REDUCTION_AXES : NCHW_REDUCTION_AXES;
    }

    /** Mean of squared deviations (divides by the count, not count - 1), as the reference. */
    private static INDArray biasedVariance(INDArray x, int[] axes) {
        return x.var(false, axes);
    }

    private INDArray inverseStd(INDArray var) {
        return Transforms.pow(var.add(layerConf().getEps()), -0.5, false);
    }

    /** Broadcast ops want default (c-order) strides; views such as reshaped epsilons may not have them. */
    private static INDArray contiguous(INDArray array) {
        return Shape.hasDefaultStridesForShape(array) ? array : array.dup('c');
    }
}
