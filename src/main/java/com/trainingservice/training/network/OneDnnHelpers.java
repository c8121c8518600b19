package com.trainingservice.training.network;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DL4J's oneDNN layer helpers (conv, batch norm, pooling run as oneDNN primitives): about 3x faster training on
 * the CPU than DL4J's own im2col path, with the same results. DL4J 1.0.0-M2.1 never uses them on its own: its
 * {@code HelperUtils.createHelper} returns none unless the system property {@value #DISABLE_PROPERTY} is
 * {@code false}, and its availability check needs {@link org.nd4j.nativeblas.Nd4jCpu.Environment} (our bridge);
 * the oneDNN kernels come with ND4J's {@code linux-x86_64-onednn*} native builds (see the pom).
 *
 * <p>{@link #configure()} decides once per JVM, before the first network is built or restored (DL4J attaches
 * helpers when a layer is created): helpers on where they work, otherwise off with one warning saying why.
 * {@code -Dorg.eclipse.deeplearning4j.helpers.disable=true} turns them off on purpose.
 *
 * <p>It also runs OpenBLAS on one thread ({@link #singleThreadedBlas()}).
 */
public final class OneDnnHelpers {

    /** DL4J's switch, read each time a layer is created; "true" (DL4J's default) means no helpers. */
    public static final String DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private static final Logger log = LoggerFactory.getLogger(OneDnnHelpers.class);
    private static Status status;

    private OneDnnHelpers() {
    }

    /**
     * @param enabled whether networks built from now on get oneDNN helpers
     * @param nativeBuild the ND4J native build loaded, e.g. {@code linux-x86_64-onednn-avx2} ("unknown" if not told)
     * @param reason why not, when not enabled
     */
    public record Status(boolean enabled, String nativeBuild, String reason) {
    }

    /** Turns the helpers on if they can work here (once; later calls return the first answer). Never throws. */
    public static synchronized Status configure() {
        if (status == null) {
            status = decide(Environment.ND4J);
            singleThreadedBlas();
            if (status.enabled()) {
                log.debug("oneDNN layer helpers enabled ({})", status.nativeBuild());
            }
        }
        return status;
    }

    /**
     * OpenBLAS on one thread. Its gemms here are small (the dense layers' gradients, at most 256 x 256 by 256 x 120)
     * and ND4J gives it a thread per core: its second thread then spins in sched_yield between calls, half a core
     * of a 2-core machine taken from the OpenMP threads (perf: a quarter of all CPU samples of a training run).
     * One thread: +35% examples per CPU-second, +5-20% wall (docs/performance.md). ND4J sets the count at start-up
     * from OMP_NUM_THREADS or the core count, so OPENBLAS_NUM_THREADS alone has no effect.
     */
    static void singleThreadedBlas() {
        try {
            if ("CPU".equalsIgnoreCase(Environment.ND4J.backend())) {
                Nd4j.factory().blas().setMaxThreads(1);
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("OpenBLAS threads left as they are: {}", e.toString());
        }
    }

    /** The names of the layers of {@code network} that run through a helper (oneDNN on the CPU). */
    public static List<String> layersWithHelpers(MultiLayerNetwork network) {
        List<String> names = new ArrayList<>();
        for (Layer layer : network.getLayers()) {
            if (layer.getHelper() != null) {
                names.add(layer.conf().getLayer().getLayerName());
            }
        }
        return names;
    }

    /** What {@link #decide} asks of ND4J and DL4J; any of it may throw when the natives cannot load. */
    interface Environment {
        /** "CPU" or "CUDA". */
        String backend();

        /** libnd4j's build information, which names HAVE_ONEDNN in oneDNN builds. */
        String buildInfo();

        /** The directory the natives were loaded from, e.g. linux-x86_64-onednn. */
        String nativeBuild();

        /** DL4J's own check, through our Nd4jCpu$Environment bridge; asked with the property already false. */
        boolean dl4jSeesOneDnn();

        Environment ND4J = new Environment() {
            @Override
            public String backend() {
                return Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", "");
            }

            @Override
            public String buildInfo() {
                return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
            }

            @Override
            public String nativeBuild() {
                return loadedNativeBuild();
            }

            @Override
            public boolean dl4jSeesOneDnn() {
                return BaseMKLDNNHelper.mklDnnEnabled();
            }
        };
    }

    /** Sets {@value #DISABLE_PROPERTY} to what works here and says why. */
    static Status decide(Environment environment) {
        String nativeBuild = "unknown";
        if (Boolean.parseBoolean(System.getProperty(DISABLE_PROPERTY))) {
            log.info("oneDNN layer helpers turned off (-D{}=true): training runs DL4J's built-in layers", DISABLE_PROPERTY);
            return new Status(false, nativeBuild, DISABLE_PROPERTY + "=true");
        }
        try {
            String backend = environment.backend();
            if (!"CPU".equalsIgnoreCase(backend)) {
                // oneDNN is CPU-only; on CUDA DL4J would look for cuDNN helpers, which are not on the classpath
                return new Status(false, nativeBuild, "backend " + backend + " (oneDNN helpers are CPU-only)");
            }
            nativeBuild = environment.nativeBuild();
            if (!environment.buildInfo().contains("HAVE_ONEDNN")) {
                return fallBack(nativeBuild, "ND4J's native build " + nativeBuild + " has no oneDNN");
            }
            System.setProperty(DISABLE_PROPERTY, "false");
            if (!environment.dl4jSeesOneDnn()) {
                return fallBack(nativeBuild, "DL4J cannot reach ND4J's oneDNN switch (org.nd4j.nativeblas.Nd4jCpu"
                        + "$Environment) or ND4J disallows helpers");
            }
            return new Status(true, nativeBuild, "");
        } catch (RuntimeException | LinkageError e) {
            return fallBack(nativeBuild, e.toString());
        }
    }

    private static Status fallBack(String nativeBuild, String reason) {
        System.setProperty(DISABLE_PROPERTY, "true");
        log.warn("oneDNN layer helpers unavailable, training falls back to DL4J's built-in layers (about 3x slower): {}",
                reason);
        return new Status(false, nativeBuild, reason);
    }

    /** The directory JavaCPP loaded libnd4jcpu from is named after the build, e.g. linux-x86_64-onednn-avx2. */
    private static String loadedNativeBuild() {
        String path = Loader.getLoadedLibraries().get("nd4jcpu");
        if (path == null) {
            return "unknown";
        }
        String[] parts = path.replace('\\', '/').split("/");
        return parts.length >= 2 ? parts[parts.length - 2] : path;
    }
}
