package com.trainingservice.training;

import com.trainingservice.training.network.LeNetFactory;
import com.trainingservice.training.network.OneDnnHelpers;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * ND4J's backend and devices, checked once ({@link BackendCheck}) and kept: the first call initialises ND4J (about a
 * second: it loads the natives) and runs the self-test on every device; later calls return the same answer. A
 * backend that failed to load does not come back without a restart, so a failure is kept too.
 *
 * <p>In the application this happens once at start-up, before the web server takes requests: ND4J's and
 * JavaCPP's native loading in one thread, not raced by a health check and a Prometheus scrape (which reads
 * JavaCPP's memory counters) arriving together on a fresh instance.
 */
@Component
public class BackendInfoProvider implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(BackendInfoProvider.class);

    private final ComputeBackend backend;
    private final DeviceProperties properties;
    private volatile BackendStatus status;

    @Autowired
    public BackendInfoProvider(DeviceProperties properties) {
        this(new Nd4jComputeBackend(), properties);
    }

    BackendInfoProvider(ComputeBackend backend, DeviceProperties properties) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.properties = Objects.requireNonNull(properties, "properties");
    }

    @Override
    public void afterSingletonsInstantiated() {
        BackendStatus checked = status();
        if (!checked.ready()) {
            log.error("training cannot run: {}", checked.problem());
            return;
        }
        BackendInfo info = checked.info();
        log.info("ND4J backend {} ({} BLAS, {} OpenMP threads, {} cores); training on {}", info.backend(),
                info.blasVendor(), info.ompThreads(), info.cores(),
                checked.usable().stream().map(ComputeDevice::describe).toList());
        checked.unusable().forEach((device, reason) -> log.warn("device {} is not used: {}", device, reason));
        if (checked.fallback() != null) {
            log.warn("{}", checked.fallback());
        }
        logLayerHelpers();
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

    /** What jobs may train on, or why nothing can. */
    public BackendStatus status() {
        BackendStatus known = status;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (status == null) {
                status = new BackendCheck(backend, properties).run();
            }
            return status;
        }
    }

    /** @throws IllegalStateException why ND4J could not be initialised (the same reason every time) */
    public BackendInfo get() {
        BackendStatus checked = status();
        if (checked.info() == null) {
            throw new IllegalStateException(checked.problem());
        }
        return checked.info();
    }

    /** The pool of the devices that passed the check, binding each run's thread through ND4J. */
    public DevicePool devicePool() {
        return new DevicePool(status(), backend::bind);
    }
}
