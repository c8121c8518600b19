package com.trainingservice.training.network;

import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Configuration of our own batch-norm layer (the reference's "from scratch" variant), the counterpart of DL4J's
 * {@link org.deeplearning4j.nn.conf.layers.BatchNormalization} configuration, whose structure it mirrors.
 *
 * <p>Input: [N, F] (statistics per feature over N) or NCHW [N, C, H, W] (statistics per channel over N, H, W).
 * Output has the input's shape. The implementation is {@link ScratchBatchNormalizationLayer}.
 *
 * <p>Serialised to JSON by DL4J's (shaded) Jackson through the getters and setters and the no-arg constructor.
 */
public class ScratchBatchNormalization extends FeedForwardLayer {

    public static final double DEFAULT_EPS = 1e-5;
    public static final double DEFAULT_MOMENTUM = 0.9;

    /** Added to the variance before the square root. */
    private double eps = DEFAULT_EPS;
    /** Running statistics: {@code running = momentum * running + (1 - momentum) * batch}. */
    private double momentum = DEFAULT_MOMENTUM;

    /** For JSON deserialisation. */
    public ScratchBatchNormalization() {
        this(new Builder());
    }

    private ScratchBatchNormalization(Builder builder) {
        super(builder);
        this.eps = builder.eps;
        this.momentum = builder.momentum;
        initializeConstraints(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getEps() {
        return eps;
    }

    public void setEps(double eps) {
        this.eps = eps;
    }

    public double getMomentum() {
        return momentum;
    }

    public void setMomentum(double momentum) {
        this.momentum = momentum;
    }

    @Override
    public ScratchBatchNormalization clone() {
        return (ScratchBatchNormalization) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        if (getNOut() <= 0) {
            throw new IllegalStateException("ScratchBatchNormalization layer " + layerIndex
                    + ": nOut is not set (set it, or give the network an input type)");
        }
        return LayerWiring.wire(new ScratchBatchNormalizationLayer(conf, networkDataType), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return ScratchBatchNormalizationParamInitializer.getInstance();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        checkSupported(inputType);
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        checkSupported(inputType);
        if (nIn <= 0 || override) {
            nIn = switch (inputType.getType()) {
                case FF -> ((InputType.InputTypeFeedForward) inputType).getSize();
                case CNN -> ((InputType.InputTypeConvolutional) inputType).getChannels();
                case CNNFlat -> ((InputType.InputTypeConvolutionalFlat) inputType).getDepth();
                default -> throw new IllegalStateException("unreachable: " + inputType);
            };
            nOut = nIn;
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        // Flattened images are normalised per channel, as images: reshape them to NCHW first (as DL4J's BN does).
        if (inputType.getType() == InputType.Type.CNNFlat) {
            InputType.InputTypeConvolutionalFlat flat = (InputType.InputTypeConvolutionalFlat) inputType;
            return new FeedForwardToCnnPreProcessor(flat.getHeight(), flat.getWidth(), flat.getDepth());
        }
        return null;
    }

    private void checkSupported(InputType inputType) {
        if (inputType == null) {
            throw new IllegalStateException("ScratchBatchNormalization \"" + getLayerName() + "\": input type is null");
        }
        switch (inputType.getType()) {
            case FF, CNNFlat -> { }
            case CNN -> {
                if (((InputType.InputTypeConvolutional) inputType).getFormat() != CNN2DFormat.NCHW) {
                    throw new IllegalStateException("ScratchBatchNormalization \"" + getLayerName()
                            + "\" supports NCHW images only, got " + inputType);
                }
            }
            default -> throw new IllegalStateException("ScratchBatchNormalization \"" + getLayerName()
                    + "\" expects feed-forward or NCHW convolutional input, got " + inputType);
        }
    }

    /** Like biases: no weight decay on batch-norm parameters, and none on state. */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return null;
    }

    /**
     * Gamma and beta are learned with the network's updater. The running statistics get {@link NoOp}: their
     * "gradient" is the exact decrement the layer wants (running - new running), which the optimiser subtracts as is.
     */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        if (ScratchBatchNormalizationParamInitializer.isRunningStatistic(paramName)) {
            return new NoOp();
        }
        return iUpdater;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        long updaterStateSize = 0;
        for (String param : initializer().paramKeys(this)) {
            updaterStateSize += getUpdaterByParam(param).stateSize(nOut);
        }
        // forward: output plus a few per-feature vectors; backward: x_hat and one temporary of the input's size
        long inferenceWorkingPerExample = inputType.arrayElementsPerExample();
        long trainWorkingPerExample = 2 * inputType.arrayElementsPerExample() + outputType.arrayElementsPerExample();
        return new LayerMemoryReport.Builder(layerName, ScratchBatchNormalization.class, inputType, outputType)
                .standardMemory(numParams, updaterStateSize)
                .workingMemory(0, inferenceWorkingPerExample, 6 * nOut, trainWorkingPerExample)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public String toString() {
        return "ScratchBatchNormalization(name=" + getLayerName() + ", nIn=" + nIn + ", nOut=" + nOut
                + ", eps=" + eps + ", momentum=" + momentum + ")";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ScratchBatchNormalization other) || !super.equals(o)) {
            return false;
        }
        return Double.compare(eps, other.eps) == 0 && Double.compare(momentum, other.momentum) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(eps) + 17 * Double.hashCode(momentum);
    }

    public static class Builder extends FeedForwardLayer.Builder<Builder> {

        private double eps = DEFAULT_EPS;
        private double momentum = DEFAULT_MOMENTUM;

        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** Weight of the old running statistics in each update: 0.9 is PyTorch's momentum 0.1. */
        public Builder momentum(double momentum) {
            if (momentum < 0 || momentum >= 1) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            this.momentum = momentum;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public ScratchBatchNormalization build() {
            return new ScratchBatchNormalization(this);
        }
    }
}
