package com.trainingservice.training.network;

import com.trainingservice.training.network.ChannelData.Layout;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The batch-norm passes over an [N, C] or NCHW [N, C, H, W] array, per channel, in two passes each way
 * ({@link ChannelData}): used by our layer ({@link ScratchBatchNormalizationLayer}) and by
 * {@link ChannelBatchNormHelper} inside DL4J's layer. All arrays c-order contiguous, float or double.
 */
final class BatchNormKernels {

    /** Per channel: the mean and biased variance used, and (backward) the gamma and beta gradients. */
    record Result(double[] mean, double[] variance, double[] dGamma, double[] dBeta) {
    }

    private BatchNormKernels() {
    }

    static Layout layout(INDArray x) {
        if (x.rank() != 2 && x.rank() != 4) {
            throw new IllegalArgumentException("expected [N, C] or [N, C, H, W], got " + java.util.Arrays.toString(x.shape()));
        }
        long inner = x.rank() == 2 ? 1 : x.size(2) * x.size(3);
        return new Layout(Math.toIntExact(x.size(0)), Math.toIntExact(x.size(1)), Math.toIntExact(inner));
    }

    /**
     * {@code out = gamma * (x - mean) / sqrt(var + eps) + beta} with the batch's mean and variance when
     * {@code mean} is null (training), else the given ones (inference).
     */
    static Result forward(INDArray x, INDArray out, double[] gamma, double[] beta, double[] mean, double[] var,
                          double eps) {
        Layout layout = layout(x);
        ChannelData in = ChannelData.of(x);
        if (mean == null) {
            ChannelData.Statistics statistics = in.statistics(layout);
            mean = statistics.mean();
            var = statistics.variance();
        }
        // one pass over the big array: (x - mean) * scale + beta
        double[] scale = new double[layout.channels()];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = gamma[c] * (1.0 / Math.sqrt(var[c] + eps));
        }
        ChannelData.of(out).assignAffine(layout, null, null, in, scale, mean, beta);
        ChannelData.written(out);
        return new Result(mean, var, null, null);
    }

    /**
     * {@code dx} from {@code dOut} after a training-mode forward pass, recomputing the batch statistics from
     * {@code x} in the pass that sums the gradients anyway.
     */
    static Result backward(INDArray x, INDArray dOut, INDArray dx, double[] gamma, double eps) {
        Layout layout = layout(x);
        ChannelData in = ChannelData.of(x);
        ChannelData outGradient = ChannelData.of(dOut);
        int channels = layout.channels();
        long count = layout.perChannel();   // N' = N (dense) or N*H*W (conv)
        ChannelData.Statistics statistics = in.statisticsWithGradientSums(layout, outGradient);
        double[] mean = statistics.mean();
        double[] var = statistics.variance();

        // dL/dbeta = sum(dOut), dL/dgamma = sum(dOut * x_hat) = invStd * sum(dOut * (x - mean)).
        // dx = invStd / N' * (N' * dxhat - sum(dxhat) - x_hat * sum(dxhat * x_hat)) with dxhat = gamma * dOut,
        // i.e. dx = a * dOut + p * (x - mean) + q with per-channel a = gamma * invStd,
        // p = -a * invStd * dGamma / N', q = -a * dBeta / N'.
        double[] dGamma = new double[channels];
        double[] dBeta = statistics.gradientSum();
        double[] a = new double[channels];
        double[] p = new double[channels];
        double[] q = new double[channels];
        for (int c = 0; c < channels; c++) {
            double invStd = 1.0 / Math.sqrt(var[c] + eps);
            dGamma[c] = invStd * statistics.centredGradientSum(c);
            a[c] = gamma[c] * invStd;
            p[c] = -a[c] * invStd * dGamma[c] / count;
            q[c] = -a[c] * dBeta[c] / count;
        }
        ChannelData.of(dx).assignAffine(layout, outGradient, a, in, p, mean, q);
        ChannelData.written(dx);
        return new Result(mean, var, dGamma, dBeta);
    }
}
