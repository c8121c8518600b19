package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.BiFunction;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Semantics of our batch norm: against a hand computation of the reference, and against DL4J's batch norm. */
class ScratchBatchNormalizationTest {

    private static final double MOMENTUM = 0.9;
    private static final double EPS = 1e-5;

    enum Shape { DENSE, CONV }

    // ---------------------------------------------------------------- against DL4J's BatchNormalization

    @ParameterizedTest
    @ValueSource(strings = {"DENSE", "CONV"})
    void inferenceOutputEqualsDl4jBatchNormalization(String shapeName) {
        Shape shape = Shape.valueOf(shapeName);
        MultiLayerNetwork scratch = network(shape, LeNetFactory.scratchBatchNormalization("bn"), DataType.FLOAT,
                new NoOp());
        MultiLayerNetwork dl4j = network(shape, LeNetFactory.dl4jBatchNormalization("bn"), DataType.FLOAT,
                new NoOp());
        SmallNetworks.randomizeBatchNorm(scratch, 17);
        // same layout (gamma, beta, mean, var with useLogStd(false)): identical parameters
        assertThat(dl4j.getLayer(1).paramTable().keySet()).containsExactly("gamma", "beta", "mean", "var");
        dl4j.setParams(scratch.params());
        INDArray input = input(shape, 16, DataType.FLOAT, 3);

        assertClose(batchNormOutput(scratch, input, false), batchNormOutput(dl4j, input, false), 1e-5);
        assertClose(scratch.output(input, false), dl4j.output(input, false), 1e-5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DENSE", "CONV"})
    void trainingOutputEqualsDl4jBatchNormalization(String shapeName) {
        Shape shape = Shape.valueOf(shapeName);
        MultiLayerNetwork scratch = network(shape, LeNetFactory.scratchBatchNormalization("bn"), DataType.FLOAT,
                new NoOp());
        MultiLayerNetwork dl4j = network(shape, LeNetFactory.dl4jBatchNormalization("bn"), DataType.FLOAT,
                new NoOp());
        SmallNetworks.randomizeBatchNorm(scratch, 18);
        dl4j.setParams(scratch.params());
        INDArray input = input(shape, 16, DataType.FLOAT, 4);

        assertClose(batchNormOutput(scratch, input, true), batchNormOutput(dl4j, input, true), 1e-5);
    }

    /** Same initial parameters, same minibatches: same parameters and running statistics after training. */
    @ParameterizedTest
    @ValueSource(strings = {"DENSE", "CONV"})
    void trainingStepsEqualDl4jBatchNormalization(String shapeName) {
        assertTrainingStepsEqualDl4j(Shape.valueOf(shapeName), 8);
    }

    /** Minibatches of 65,536 elements and more are split across cores: the same results. */
    @ParameterizedTest
    @ValueSource(strings = {"DENSE", "CONV"})
    void largeMinibatchesSplitAcrossCoresEqualDl4jBatchNormalization(String shapeName) {
        Shape shape = Shape.valueOf(shapeName);
        int elementsPerExample = shape == Shape.DENSE ? SmallNetworks.DENSE_FEATURES
                : SmallNetworks.CONV_CHANNELS * 3 * 3;
        assertTrainingStepsEqualDl4j(shape, (1 << 16) / elementsPerExample + 1);
    }

    private static void assertTrainingStepsEqualDl4j(Shape shape, int firstBatchSize) {
        MultiLayerNetwork scratch = network(shape, LeNetFactory.scratchBatchNormalization("bn"), DataType.DOUBLE,
                new Sgd(0.3));
        MultiLayerNetwork dl4j = network(shape, LeNetFactory.dl4jBatchNormalization("bn"), DataType.DOUBLE,
                new Sgd(0.3));
        SmallNetworks.randomizeBatchNorm(scratch, 19);
        dl4j.setParams(scratch.params());
        INDArray initial = scratch.params().dup();

        for (int step = 0; step < 5; step++) {
            int n = firstBatchSize + step;   // varying minibatch sizes
            DataSet batch = new DataSet(input(shape, n, DataType.DOUBLE, 100 + step),
                    SmallNetworks.oneHotLabels(n, DataType.DOUBLE));
            scratch.fit(batch);
            dl4j.fit(batch);
        }
        assertThat(scratch.params().sub(dl4j.params()).amaxNumber().doubleValue()).isLessThan(1e-10);
        assertThat(scratch.params().sub(initial).amaxNumber().doubleValue()).isGreaterThan(1e-3);
    }

    // ---------------------------------------------------------------- against the reference, by hand

    @ParameterizedTest
    @ValueSource(strings = {"DENSE", "CONV"})
    void trainingOutputNormalisesWithBatchStatisticsAndBiasedVariance(String shapeName) {
        Shape shape = Shape.valueOf(shapeName);
        MultiLayerNetwork net = network(shape, LeNetFactory.scratchBatchNormalization("bn"), DataType.DOUBLE,
                new NoOp());
        SmallNetworks.randomizeBatchNorm(net, 21);
        INDArray input = input(shape, 6, DataType.DOUBLE, 5);

        List<INDArray> activations = net.feedForward(input, true);
        INDArray bnInput = activations.get(1);
        INDArray expected = referenceBatchNorm(bnInput, gamma(net), beta(net), true, null, null);
        assertClose(activations.get(2), expected, 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DENSE", "CONV"})
    void inferenceOutputNormalisesWithRunningStatistics(String shapeName) {
        Shape shape = Shape.valueOf(shapeName);
        MultiLayerNetwork net = network(shape, LeNetFactory.scratchBatchNormalization("bn"), DataType.DOUBLE,
                new NoOp());
        SmallNetworks.randomizeBatchNorm(net, 22);
        INDArray input = input(shape, 6, DataType.DOUBLE, 6);

        List<INDArray> activations = net.feedForward(input, false);
        INDArray expected = referenceBatchNorm(activations.get(1), gamma(net), beta(net), false,
                net.getLayer(1).getParam("mean").toDoubleVector(), net.getLayer(1).getParam("var").toDoubleVector());
        assertClose(activations.get(2), expected, 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DENSE", "CONV"})
    void oneTrainingStepUpdatesRunningStatisticsAndLearnsGammaAndBeta(String shapeName) {
        Shape shape = Shape.valueOf(shapeName);
        double learningRate = 0.7;
        int n = 7;
        MultiLayerNetwork net = network(shape, LeNetFactory.scratchBatchNormalization("bn"), DataType.DOUBLE,
                new Sgd(learningRate));
        SmallNetworks.randomizeBatchNorm(net, 23);
        INDArray input = input(shape, n, DataType.DOUBLE, 7);
        INDArray labels = SmallNetworks.oneHotLabels(n, DataType.DOUBLE);

        double[] oldMean = net.getLayer(1).getParam("mean").toDoubleVector();
        double[] oldVar = net.getLayer(1).getParam("var").toDoubleVector();
        double[] oldGamma = gamma(net);
        double[] oldBeta = beta(net);
        double[][] batchStats = meanAndBiasedVariance(net.feedForward(input, true).get(1));
        // the summed gradient the step will use (DL4J's updater divides it by the minibatch size)
        net.setInput(input);
        net.setLabels(labels);
        net.computeGradientAndScore();
        double[] gammaGradient = net.gradient().getGradientFor("1_gamma").toDoubleVector();
        double[] betaGradient = net.gradient().getGradientFor("1_beta").toDoubleVector();

        net.fit(new DataSet(input, labels));

        double[] newMean = net.getLayer(1).getParam("mean").toDoubleVector();
        double[] newVar = net.getLayer(1).getParam("var").toDoubleVector();
        double[] newGamma = gamma(net);
        double[] newBeta = beta(net);
        for (int c = 0; c < oldMean.length; c++) {
            assertThat(newMean[c]).isCloseTo(MOMENTUM * oldMean[c] + (1 - MOMENTUM) * batchStats[0][c],
                    within(1e-12));
            assertThat(newVar[c]).isCloseTo(MOMENTUM * oldVar[c] + (1 - MOMENTUM) * batchStats[1][c],
                    within(1e-12));
            assertThat(newGamma[c]).isCloseTo(oldGamma[c] - learningRate * gammaGradient[c] / n,
                    within(1e-12));
            assertThat(newBeta[c]).isCloseTo(oldBeta[c] - learningRate * betaGradient[c] / n,
                    within(1e-12));
            assertThat(newGamma[c]).isNotEqualTo(oldGamma[c]);
        }
    }

    @Test
    void forwardPassesDoNotTouchTheRunningStatistics() {
        MultiLayerNetwork net = network(Shape.CONV, LeNetFactory.scratchBatchNormalization("bn"), DataType.FLOAT,
                new Sgd(0.1));
        SmallNetworks.randomizeBatchNorm(net, 24);
        INDArray before = net.params().dup();
        INDArray input = input(Shape.CONV, 5, DataType.FLOAT, 8);
        net.output(input, true);
        net.output(input, false);
        net.feedForward(input, true);
        net.score(new DataSet(input, SmallNetworks.oneHotLabels(5, DataType.FLOAT)), true);
        assertThat(net.params()).isEqualTo(before);
    }

    @Test
    void configurationRoundTripsThroughJson() {
        Layer layer = ScratchBatchNormalization.builder().name("bn").eps(1e-3).momentum(0.8).build();
        MultiLayerNetwork net = network(Shape.DENSE, layer, DataType.FLOAT, new Sgd(0.1));
        String json = net.getLayerWiseConfigurations().toJson();
        assertThat(json).contains(ScratchBatchNormalization.class.getName());

        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(json);
        assertThat(restored).isEqualTo(net.getLayerWiseConfigurations());
        ScratchBatchNormalization bn = (ScratchBatchNormalization) restored.getConf(1).getLayer();
        assertThat(bn.getEps()).isEqualTo(1e-3);
        assertThat(bn.getMomentum()).isEqualTo(0.8);
        assertThat(bn.getNOut()).isEqualTo(SmallNetworks.DENSE_FEATURES);
    }

    // ---------------------------------------------------------------- helpers

    private static MultiLayerNetwork network(Shape shape, Layer batchNorm, DataType dataType,
                                             IUpdater updater) {
        BiFunction<Layer, DataType, MultiLayerNetwork> factory = shape == Shape.DENSE
                ? (l, t) -> SmallNetworks.dense(l, t, updater, 12345)
                : (l, t) -> SmallNetworks.conv(l, t, updater, 12345);
        return factory.apply(batchNorm, dataType);
    }

    private static INDArray input(Shape shape, int n, DataType dataType, long seed) {
        return shape == Shape.DENSE ? SmallNetworks.denseInput(n, dataType, seed)
                : SmallNetworks.convInput(n, dataType, seed);
    }

    private static INDArray batchNormOutput(MultiLayerNetwork net, INDArray input, boolean training) {
        return net.feedForward(input, training).get(2);
    }

    private static double[] gamma(MultiLayerNetwork net) {
        return net.getLayer(1).getParam("gamma").toDoubleVector();
    }

    private static double[] beta(MultiLayerNetwork net) {
        return net.getLayer(1).getParam("beta").toDoubleVector();
    }

    private static void assertClose(INDArray actual, INDArray expected, double tolerance) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        double maxDifference = Transforms.abs(actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)))
                .maxNumber().doubleValue();
        assertThat(maxDifference).isLessThanOrEqualTo(tolerance);
    }

    /** Per feature (rank 2) or channel (rank 4, NCHW): {mean, variance dividing by the count}. */
    private static double[][] meanAndBiasedVariance(INDArray x) {
        int channels = (int) x.size(1);
        double[] sum = new double[channels];
        double[] count = new double[channels];
        forEachElement(x, (c, value) -> {
            sum[c] += value;
            count[c]++;
        });
        double[] mean = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = sum[c] / count[c];
        }
        double[] squares = new double[channels];
        forEachElement(x, (c, value) -> squares[c] += (value - mean[c]) * (value - mean[c]));
        double[] var = new double[channels];
        for (int c = 0; c < channels; c++) {
            var[c] = squares[c] / count[c];
        }
        return new double[][] {mean, var};
    }

    /** The reference's batch norm, element by element. */
    private static INDArray referenceBatchNorm(INDArray x, double[] gamma, double[] beta, boolean training,
                                               double[] runningMean, double[] runningVar) {
        double[][] stats = training ? meanAndBiasedVariance(x) : new double[][] {runningMean, runningVar};
        INDArray out = x.castTo(DataType.DOUBLE).dup();
        long[] index = new long[x.rank()];
        for (long i = 0; i < x.length(); i++) {
            unravel(i, x.shape(), index);
            int c = (int) index[1];
            double xHat = (x.getDouble(index) - stats[0][c]) / Math.sqrt(stats[1][c] + EPS);
            out.putScalar(index, gamma[c] * xHat + beta[c]);
        }
        return out;
    }

    private interface ChannelValueConsumer {
        void accept(int channel, double value);
    }

    private static void forEachElement(INDArray x, ChannelValueConsumer consumer) {
        long[] index = new long[x.rank()];
        for (long i = 0; i < x.length(); i++) {
            unravel(i, x.shape(), index);
            consumer.accept((int) index[1], x.getDouble(index));
        }
    }

    private static void unravel(long flat, long[] shape, long[] index) {
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
    }
}
