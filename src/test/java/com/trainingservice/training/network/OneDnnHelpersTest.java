package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.TestData;
import com.trainingservice.training.Variant;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The fast path (DL4J's oneDNN helpers, on by default) computes what the plain path (DL4J's own layers) does:
 * same loss, gradients and outputs on a fixed batch of real images, and the same parameters after a few steps,
 * for every variant. Float precision: the two paths sum in different orders, so they agree to about 1e-6
 * relative, not to the bit.
 */
class OneDnnHelpersTest {

    private static final int BATCH = 64;
    private static final long SEED = 42;
    /** Observed differences are 1e-7..4e-6 (relative to the largest value); a real bug gives 1e-2 or more. */
    private static final double TOLERANCE = 2e-5;
    /**
     * The conv biases in front of batch norm have a true gradient of 0 (batch norm cancels them): theirs is float
     * rounding of a sum over 147,456 terms, about 3e-5 of the largest gradient, and differs between the paths.
     */
    private static final double GRADIENT_TOLERANCE = 1e-4;
    /**
     * After three steps at learning rate 0.9, rounding differences have grown: by 1e-6..5e-4 in lenet-bn-scratch,
     * whose max pooling passes on the gradient of whichever element is largest, so a rounding difference in a near
     * tie sends it elsewhere (any change of summation order anywhere shows it: OpenBLAS on one thread instead of
     * two moved it from 8e-6 to 4.5e-4). Still far below what a real bug gives.
     */
    private static final double STEPS_TOLERANCE = 2e-3;

    private static INDArray features;
    private static INDArray labels;

    @BeforeAll
    static void fixedBatch() {
        DataSet batch = TestData.batch(TestData.full().train(), 0, BATCH);
        features = batch.getFeatures();
        labels = batch.getLabels();
    }

    @Test
    void helpersAreOnWithTheShippedNativeBuild() {
        OneDnnHelpers.Status status = OneDnnHelpers.configure();

        assertThat(status.enabled()).as(status.reason()).isTrue();
        assertThat(status.nativeBuild()).contains("onednn");
        assertThat(OneDnnHelpers.layersWithHelpers(LeNetFactory.build(Variant.LENET_BN_SCRATCH, SEED)))
                .containsExactly("conv1", "pool1", "conv2", "pool2");
        assertThat(OneDnnHelpers.layersWithHelpers(LeNetFactory.build(Variant.LENET_BN, SEED)))
                .containsExactly("conv1", "bn1", "pool1", "conv2", "bn2", "pool2", "bn3", "bn4");
        assertThat(OneDnnHelpers.layersWithHelpers(LeNetFactory.build(Variant.LENET, SEED)))
                .containsExactly("conv1", "pool1", "conv2", "pool2");
    }

    @Test
    void openBlasRunsOnOneThread() {
        OneDnnHelpers.configure();

        assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(1);
    }

    @Test
    void aNativeBuildWithoutOneDnnFallsBackToThePlainLayers() {
        OneDnnHelpers.Status status = decideKeepingTheProperty(new FakeEnvironment("CPU", "HAVE_OPENBLAS", true, null));

        assertThat(status.enabled()).isFalse();
        assertThat(status.reason()).contains("has no oneDNN");
        assertThat(status.nativeBuild()).isEqualTo("linux-x86_64");
    }

    @Test
    void whenDl4jCannotSeeOneDnnTheHelpersStayOff() {
        OneDnnHelpers.Status status = decideKeepingTheProperty(
                new FakeEnvironment("CPU", "HAVE_ONEDNN HAVE_OPENBLAS", false, null));

        assertThat(status.enabled()).isFalse();
        assertThat(status.reason()).contains("Nd4jCpu$Environment");
    }

    @Test
    void nativesThatCannotLoadGiveAWarningNotACrash() {
        OneDnnHelpers.Status status = decideKeepingTheProperty(new FakeEnvironment("CPU", "", true,
                new UnsatisfiedLinkError("no jnind4jcpu in java.library.path")));

        assertThat(status.enabled()).isFalse();
        assertThat(status.reason()).contains("UnsatisfiedLinkError");
    }

    @Test
    void onCudaTheHelpersAreLeftAlone() {
        OneDnnHelpers.Status status = decideKeepingTheProperty(new FakeEnvironment("CUDA", "", true, null));

        assertThat(status.enabled()).isFalse();
        assertThat(status.reason()).contains("CPU-only");
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void fastAndPlainPathsGiveTheSameLossGradientsAndOutputs(Variant variant) {
        MultiLayerNetwork fast = LeNetFactory.build(variant, SEED);
        MultiLayerNetwork plain = withoutHelpers(() -> LeNetFactory.build(variant, SEED));
        assertThat(OneDnnHelpers.layersWithHelpers(fast)).isNotEmpty();
        assertThat(OneDnnHelpers.layersWithHelpers(plain)).isEmpty();
        assertThat(plain.params()).isEqualTo(fast.params());

        for (MultiLayerNetwork network : List.of(fast, plain)) {
            network.setInput(features);
            network.setLabels(labels);
            network.computeGradientAndScore();
        }
        assertThat(fast.score()).isCloseTo(plain.score(), org.assertj.core.data.Percentage.withPercentage(1e-3));
        assertRelativelyClose(fast.gradient().gradient(), plain.gradient().gradient(), GRADIENT_TOLERANCE);
        assertRelativelyClose(fast.output(features, false), plain.output(features, false), TOLERANCE);

        DataSet batch = new DataSet(features, labels);
        fast.fit(batch);
        plain.fit(batch);
        assertRelativelyClose(fast.params(), plain.params(), TOLERANCE);
        for (int step = 1; step < 3; step++) {
            fast.fit(batch);
            plain.fit(batch);
        }
        assertRelativelyClose(fast.params(), plain.params(), STEPS_TOLERANCE);
        assertRelativelyClose(fast.output(features, false), plain.output(features, false), STEPS_TOLERANCE);
    }

    /** The fallbacks set the global property to "true": restore it for the other tests in this JVM. */
    private static OneDnnHelpers.Status decideKeepingTheProperty(OneDnnHelpers.Environment environment) {
        OneDnnHelpers.configure();
        String previous = System.getProperty(OneDnnHelpers.DISABLE_PROPERTY);
        try {
            OneDnnHelpers.Status status = OneDnnHelpers.decide(environment);
            assertThat(System.getProperty(OneDnnHelpers.DISABLE_PROPERTY))
                    .isEqualTo(status.enabled() || status.reason().contains("CPU-only") ? previous : "true");
            return status;
        } finally {
            System.setProperty(OneDnnHelpers.DISABLE_PROPERTY, previous);
        }
    }

    private record FakeEnvironment(String backend, String buildInfo, boolean dl4jSeesOneDnn, Error loadFailure)
            implements OneDnnHelpers.Environment {

        @Override
        public String backend() {
            if (loadFailure != null) {
                throw loadFailure;
            }
            return backend;
        }

        @Override
        public String nativeBuild() {
            return "linux-x86_64";
        }
    }

    private static MultiLayerNetwork withoutHelpers(Supplier<MultiLayerNetwork> build) {
        String previous = System.getProperty(OneDnnHelpers.DISABLE_PROPERTY);
        System.setProperty(OneDnnHelpers.DISABLE_PROPERTY, "true");
        try {
            return build.get();
        } finally {
            if (previous == null) {
                System.clearProperty(OneDnnHelpers.DISABLE_PROPERTY);
            } else {
                System.setProperty(OneDnnHelpers.DISABLE_PROPERTY, previous);
            }
        }
    }

    /** Largest element difference over the largest element. */
    private static void assertRelativelyClose(INDArray actual, INDArray expected, double tolerance) {
        double scale = expected.amaxNumber().doubleValue();
        double difference = Transforms.abs(actual.sub(expected)).maxNumber().doubleValue();
        assertThat(difference / scale).isLessThan(tolerance);
    }
}
