package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.BackendInfo;
import com.trainingservice.training.BackendStatus;
import com.trainingservice.training.ComputeDevice;
import com.trainingservice.training.DevicePool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.info.Info;

class TrainingInfoContributorTest {

    private static final JobProperties PROPERTIES = JobRig.properties(0, 100);
    private static final BackendInfo CPU = new BackendInfo("CPU", "OPENBLAS", 8, 8, 8, 1, List.of("avx", "avx2"));

    @Test
    void backendDevicesSlotsAndVariants() {
        Map<String, Object> training = contribute(new BackendStatus(CPU, List.of(ComputeDevice.cpu()), Map.of(), null,
                null));

        assertThat(training).containsEntry("backend", "CPU").containsEntry("blasVendor", "OPENBLAS")
                .containsEntry("ompThreads", 8).containsEntry("cores", 8).containsEntry("devices", 1)
                .containsEntry("cpuFeatures", List.of("avx", "avx2"))
                .containsEntry("computeDevices", List.of(Map.of("id", "cpu", "name", "CPU")))
                .containsEntry("trainingDevices", List.of("cpu")).containsEntry("workerSlots", 1)
                .containsEntry("queueCapacity", 100)
                .containsEntry("variants", List.of("lenet-bn-scratch", "lenet-bn", "lenet"))
                .doesNotContainKeys("backendError", "trainingError", "fallback");
    }

    @Test
    void gpusGiveASlotEachAndAFallbackIsShown() {
        List<ComputeDevice> gpus = List.of(ComputeDevice.cuda(0, "NVIDIA L4", "8.9", 24L << 30),
                ComputeDevice.cuda(1, "NVIDIA L4", "8.9", 24L << 30));
        BackendInfo cuda = new BackendInfo("CUDA", "CUBLAS", 8, 0, 16, 2, List.of(), gpus);

        Map<String, Object> training = contribute(new BackendStatus(cuda, gpus, Map.of(), null, null));
        Map<String, Object> fellBack = contribute(new BackendStatus(CPU, List.of(ComputeDevice.cpu()), Map.of(),
                "the CUDA backend could not be used (No CUDA devices were found in system); training on the CPU", null));

        assertThat(training).containsEntry("backend", "CUDA").containsEntry("workerSlots", 2)
                .containsEntry("trainingDevices", List.of("cuda:0", "cuda:1"));
        assertThat((List<?>) training.get("computeDevices")).first()
                .isEqualTo(Map.of("id", "cuda:0", "name", "NVIDIA L4", "computeCapability", "8.9",
                        "memoryBytes", 24L << 30));
        assertThat((String) fellBack.get("fallback")).contains("No CUDA devices");
    }

    @Test
    void aBrokenBackendIsNamedAndTheRestStillShown() {
        Map<String, Object> broken = contribute(new BackendStatus(null, List.of(), Map.of(), null,
                "ND4J could not be initialised: no natives"));
        Map<String, Object> noDevice = contribute(new BackendStatus(CPU, List.of(), Map.of(), null,
                "the CUDA backend could not be used"));

        assertThat(broken).containsEntry("backendError", "ND4J could not be initialised: no natives")
                .containsEntry("workerSlots", 1).containsEntry("trainingDevices", List.of())
                .doesNotContainKeys("backend", "trainingError");
        assertThat(noDevice).containsEntry("trainingError", "the CUDA backend could not be used")
                .containsEntry("backend", "CPU").doesNotContainKey("backendError");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> contribute(BackendStatus status) {
        Info.Builder builder = new Info.Builder();
        new TrainingInfoContributor(new DevicePool(status, device -> { }), PROPERTIES).contribute(builder);
        return (Map<String, Object>) builder.build().getDetails().get("training");
    }
}
