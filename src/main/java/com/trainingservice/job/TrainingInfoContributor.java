package com.trainingservice.job;

import com.trainingservice.training.BackendInfo;
import com.trainingservice.training.BackendInfoProvider;
import com.trainingservice.training.Variant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * The {@code training} section of /actuator/info: what this instance trains with (ND4J backend, BLAS, threads,
 * CPU cores and SIMD features), how many jobs it trains at once, and the variants it offers.
 */
@Component
class TrainingInfoContributor implements InfoContributor {

    private final BackendInfoProvider backend;
    private final JobProperties properties;

    TrainingInfoContributor(BackendInfoProvider backend, JobProperties properties) {
        this.backend = backend;
        this.properties = properties;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> training = new LinkedHashMap<>();
        try {
            BackendInfo info = backend.get();
            training.put("backend", info.backend());
            training.put("blasVendor", info.blasVendor());
            training.put("ompThreads", info.ompThreads());
            training.put("cores", info.cores());
            training.put("devices", info.devices());
            training.put("cpuFeatures", info.cpuFeatures());
        } catch (RuntimeException e) {
            training.put("backendError", e.getMessage() != null ? e.getMessage() : e.toString());
        }
        training.put("workerSlots", properties.workerSlots());
        training.put("queueCapacity", properties.queueCapacity());
        training.put("variants", Variant.ids());
        builder.withDetail("training", training);
    }
}
