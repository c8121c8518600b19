package com.trainingservice.training.network;

import com.trainingservice.training.Variant;
import java.util.Objects;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * LeNet with batch normalisation, as the reference (lenet-bn.md) specifies it, for each {@link Variant}:
 *
 * <pre>
 * conv 1->6 5x5 (28x28 -> 24x24) | BN(6)   | sigmoid | pool 2x2/2 (-> 12x12)
 * conv 6->16 5x5 (-> 8x8)        | BN(16)  | sigmoid | pool 2x2/2 (-> 4x4)
 * flatten (256) | dense 256->120 | BN(120) | sigmoid
 *                 dense 120->84  | BN(84)  | sigmoid
 *                 dense 84->10, softmax + cross-entropy (mean over the minibatch)
 * </pre>
 *
 * <ul>
 *   <li>{@link Variant#LENET_BN_SCRATCH}: our {@link ScratchBatchNormalization}, max pooling;</li>
 *   <li>{@link Variant#LENET_BN}: DL4J's {@link BatchNormalization}, average pooling;</li>
 *   <li>{@link Variant#LENET}: no batch normalisation, average pooling.</li>
 * </ul>
 *
 * <p>Input: {@code InputType.convolutionalFlat(28, 28, 1)}, i.e. rows of 784 pixels in [0, 1]; DL4J reshapes
 * them to NCHW, and flattens the last pooling output in (c, h, w) order, as PyTorch's Flatten does.
 *
 * <p>Training: plain SGD, no momentum, no weight decay, no gradient normalisation. Conv and dense weights
 * Xavier (Glorot) uniform, biases 0. DL4J's Glorot uniform is U(-s, s) with s = sqrt(6 / (fanIn + fanOut)), conv
 * fanIn = inC*k*k and fanOut = outC*k*k / (stride*stride) (= outC*k*k here, stride 1), as PyTorch computes them.
 * The loss gradient is per example ((softmax - labels), not divided by N); DL4J's updater divides the summed
 * gradients by the minibatch size once ({@code miniBatch(true)}), which gives the gradient of the mean loss.
 */
public final class LeNetFactory {

    /** The reference's learning rate. */
    public static final double DEFAULT_LEARNING_RATE = 0.9;
    public static final int IMAGE_HEIGHT = 28;
    public static final int IMAGE_WIDTH = 28;
    public static final int IMAGE_CHANNELS = 1;
    public static final int NUM_CLASSES = 10;

    /** Batch-norm settings of the reference: eps 1e-5, running statistics 0.9 * old + 0.1 * batch. */
    public static final double BN_EPS = 1e-5;
    public static final double BN_MOMENTUM = 0.9;

    static {
        // before any layer is created: DL4J attaches its oneDNN helpers when a layer is instantiated
        OneDnnHelpers.configure();
    }

    private LeNetFactory() {
    }

    /** An initialised network, float precision, with the reference's learning rate. */
    public static MultiLayerNetwork build(Variant variant, long seed) {
        return build(variant, DEFAULT_LEARNING_RATE, seed);
    }

    /** An initialised network, float precision. */
    public static MultiLayerNetwork build(Variant variant, double learningRate, long seed) {
        MultiLayerNetwork network = new MultiLayerNetwork(configuration(variant, learningRate, seed));
        network.init();
        return withTrainingHelpers(network);
    }

    /**
     * Our helpers where DL4J attached its oneDNN ones ({@link ChannelBatchNormHelper}, {@link
     * TrainingConvolutionHelper}, {@link PoolingGradientHelper}), for a network that trains: one just built, or
     * restored from a checkpoint.
     */
    public static MultiLayerNetwork withTrainingHelpers(MultiLayerNetwork network) {
        ChannelBatchNormHelper.install(network);
        TrainingConvolutionHelper.install(network);
        PoolingGradientHelper.install(network);
        return network;
    }

    public static MultiLayerConfiguration configuration(Variant variant, double learningRate, long seed) {
        return configuration(variant, learningRate, seed, DataType.FLOAT);
    }

    /** The configuration; {@code dataType} DOUBLE is for gradient checks and exact comparisons in tests. */
    public static MultiLayerConfiguration configuration(Variant variant, double learningRate, long seed,
                                                        DataType dataType) {
        Objects.requireNonNull(variant, "variant");
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        PoolingType pooling = variant == Variant.LENET_BN_SCRATCH ? PoolingType.MAX : PoolingType.AVG;

        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(new Sgd(learningRate))
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .biasInit(0.0)
                // DL4J's default activation is sigmoid: the conv and dense layers must be linear, the sigmoid is
                // a layer of its own after batch norm.
                .activation(Activation.IDENTITY)
                .convolutionMode(ConvolutionMode.Truncate)
                .miniBatch(true)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();

        layers.layer(new ConvolutionLayer.Builder(5, 5).name("conv1").stride(1, 1).padding(0, 0)
                .dataFormat(CNN2DFormat.NCHW).nOut(6).build());
        addNormalizationAndSigmoid(layers, variant, "1");
        layers.layer(pooling("pool1", pooling));

        layers.layer(new ConvolutionLayer.Builder(5, 5).name("conv2").stride(1, 1).padding(0, 0)
                .dataFormat(CNN2DFormat.NCHW).nOut(16).build());
        addNormalizationAndSigmoid(layers, variant, "2");
        layers.layer(pooling("pool2", pooling));

        layers.layer(FullyConnected.of("dense3", 120));
        addNormalizationAndSigmoid(layers, variant, "3");
        layers.layer(FullyConnected.of("dense4", 84));
        addNormalizationAndSigmoid(layers, variant, "4");

        layers.layer(new OutputLayer.Builder().name("output").nOut(NUM_CLASSES)
                .activation(Activation.SOFTMAX).lossFunction(new LossMCXENT()).build());

        return layers.setInputType(InputType.convolutionalFlat(IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS))
                .build();
    }

    private static void addNormalizationAndSigmoid(NeuralNetConfiguration.ListBuilder layers, Variant variant,
                                                   String suffix) {
        Layer normalization = switch (variant) {
            case LENET_BN_SCRATCH -> scratchBatchNormalization("bn" + suffix);
            case LENET_BN -> dl4jBatchNormalization("bn" + suffix);
            case LENET -> null;
        };
        if (normalization != null) {
            layers.layer(normalization);
        }
        layers.layer(SigmoidActivation.named("sigmoid" + suffix));
    }

    /** Our own batch norm with the reference's settings; nIn/nOut come from the input type. */
    public static ScratchBatchNormalization scratchBatchNormalization(String name) {
        return ScratchBatchNormalization.builder().name(name).eps(BN_EPS).momentum(BN_MOMENTUM).build();
    }

    /**
     * DL4J's batch norm with the reference's settings. What DL4J 1.0.0-M2.1 does (read in its source):
     * training normalises with the batch mean and the biased batch variance ({@code var(false, dims)}, divided
     * by the count), the same biased variance goes into the running estimate; running estimates follow
     * {@code global = decay * global + (1 - decay) * batch}, applied as the "gradient"
     * {@code (1 - decay) * (global - batch)} through a NoOp updater without minibatch division; inference uses
     * the running mean and variance. The builder defaults to storing log10(std) instead of the variance:
     * {@code useLogStd(false)} stores the variance itself, so the parameters are gamma, beta, mean, var as in
     * the reference (and as in our scratch layer).
     */
    public static BatchNormalization dl4jBatchNormalization(String name) {
        return new BatchNormalization.Builder().name(name).eps(BN_EPS).decay(BN_MOMENTUM).useLogStd(false)
                .minibatch(true).lockGammaBeta(false).build();
    }

    private static SubsamplingLayer pooling(String name, PoolingType type) {
        return TwoByTwoPooling.of(name, type);
    }
}
