package com.trainingservice.job;

import com.trainingservice.training.BackendInfo;
import com.trainingservice.training.BackendStatus;
import com.trainingservice.training.ComputeDevice;
import com.trainingservice.training.DevicePool;
import com.trainingservice.training.Variant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * The {@code training} section of /actuator/info: what this instance trains with (ND4J backend, BLAS, threads,
 * CPU cores and SIMD features, the devices and which of them train), how many jobs it trains at once, and the
 * variants it offers.
 */
@Component
class TrainingInfoContributor implements InfoContributor {

    private final DevicePool devices;
    private final JobProperties properties;

    TrainingInfoContributor(DevicePool devices, JobProperties properties) {
        this.devices = devices;
        this.properties = properties;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> training = new LinkedHashMap<>();
        BackendStatus status = devices.status();
        BackendInfo info = status.info();
        if (info != null) {
            training.put("backend", info.backend());
            training.put("blasVendor", info.blasVendor());
            training.put("ompThreads", info.ompThreads());
            training.put("cores", info.cores());
            training.put("devices", info.devices());
            training.put("cpuFeatures", info.cpuFeatures());
            training.put("computeDevices", info.computeDevices().stream().map(ComputeDevice::details).toList());
        }
        training.put("trainingDevices", status.usable().stream().map(ComputeDevice::id).toList());
        if (status.fallback() != null) {
            training.put("fallback", status.fallback());
        }
        if (!status.ready()) {
            // backendError: ND4J could not be initialised; trainingError: it could, but nothing can train
            training.put(info == null ? "backendError" : "trainingError", status.problem());
        }
        training.put("workerSlots", devices.workerSlots(properties.workerSlots()));
        training.put("queueCapacity", properties.queueCapacity());
        training.put("variants", Variant.ids());
        builder.withDetail("training", training);
    }
}
