package com.trainingservice.training;

import com.trainingservice.training.network.LeNetFactory;
import com.trainingservice.training.network.OneDnnHelpers;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * ND4J's backend, BLAS and threads, asked once and kept: the first {@link #get()} initialises ND4J if nothing
 * has yet (about a second: it loads the natives), later calls return the same answer. A backend that failed to
 * load does not come back without a restart, so a failure is kept too.
 *
 * <p>In the application this happens once at start-up, before the web server takes requests: ND4J's and
 * JavaCPP's native loading in one thread, not raced by a health check and a Prometheus scrape (which reads
 * JavaCPP's memory counters) arriving together on a fresh instance.
 */
@Component
public class BackendInfoProvider implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(BackendInfoProvider.class);

    private final Supplier<BackendInfo> probe;
    private volatile BackendInfo info;
    private volatile RuntimeException failure;

    @Autowired
    public BackendInfoProvider() {
        this(BackendInfoProvider::probeNd4j);
    }

    BackendInfoProvider(Supplier<BackendInfo> probe) {
        this.probe = Objects.requireNonNull(probe, "probe");
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            BackendInfo backend = get();
            log.info("ND4J backend {} ({} BLAS, {} OpenMP threads, {} cores)", backend.backend(), backend.blasVendor(),
                    backend.ompThreads(), backend.cores());
            logLayerHelpers();
        } catch (RuntimeException e) {
            log.warn("ND4J could not be initialised; training and predict will fail: {}", e.toString());
        }
    }

    /** Which layers of each variant run through oneDNN (OneDnnHelpers warns by itself when none can). */
    private static void logLayerHelpers() {
        OneDnnHelpers.Status helpers = OneDnnHelpers.configure();
        if (helpers.enabled()) {
            String layers = Arrays.stream(Variant.values())
                    .map(variant -> variant.id() + " " + OneDnnHelpers.layersWithHelpers(LeNetFactory.build(variant, 0L)))
                    .collect(Collectors.joining(", "));
            log.info("oneDNN layer helpers on ({}): {}", helpers.nativeBuild(), layers);
        }
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            log.warn("OMP_WAIT_POLICY is not set, so ND4J's OpenMP threads spin while idle: on a busy machine training "
                    + "runs several times slower. Start the service with OMP_WAIT_POLICY=PASSIVE in its environment "
                    + "(./mvnw spring-boot:run sets it; see README, Training speed)");
        }
    }

    /** @throws RuntimeException why ND4J could not be initialised (the same one every time) */
    public BackendInfo get() {
        BackendInfo known = info;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (info == null && failure == null) {
                try {
                    info = probe.get();
                } catch (RuntimeException | LinkageError e) {
                    failure = e instanceof RuntimeException runtime ? runtime
                            : new IllegalStateException("ND4J could not be initialised: " + e, e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return info;
        }
    }

    static BackendInfo probeNd4j() {
        Map<Object, Object> environment = Nd4j.getExecutioner().getEnvironmentInformation();
        int cores = intValue(environment.get("cores"), Runtime.getRuntime().availableProcessors());
        return new BackendInfo(
                String.valueOf(environment.getOrDefault("backend", Devices.current().toUpperCase())),
                String.valueOf(environment.getOrDefault("blas.vendor", "unknown")),
                intValue(environment.get("omp.threads"), Nd4j.getEnvironment().maxThreads()),
                intValue(environment.get("blas.threads"), -1),
                cores,
                Nd4j.getAffinityManager().getNumberOfDevices(),
                CpuFeatures.detect());
    }

    private static int intValue(Object value, int fallback) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        if (value != null) {
            try {
                return Integer.parseInt(value.toString().trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }
}
