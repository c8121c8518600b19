package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

import com.trainingservice.training.BackendInfo;
import com.trainingservice.training.BackendInfoProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.info.Info;

class TrainingInfoContributorTest {

    private static final JobProperties PROPERTIES = JobRig.properties(2, 100);

    @Test
    void backendSlotsAndVariants() {
        BackendInfoProvider backend = mock(BackendInfoProvider.class);
        given(backend.get()).willReturn(new BackendInfo("CPU", "OPENBLAS", 8, 8, 8, 1, List.of("avx", "avx2")));

        Map<String, Object> training = contribute(backend);

        assertThat(training).containsEntry("backend", "CPU").containsEntry("blasVendor", "OPENBLAS")
                .containsEntry("ompThreads", 8).containsEntry("cores", 8).containsEntry("devices", 1)
                .containsEntry("cpuFeatures", List.of("avx", "avx2")).containsEntry("workerSlots", 2)
                .containsEntry("queueCapacity", 100)
                .containsEntry("variants", List.of("lenet-bn-scratch", "lenet-bn", "lenet"));
    }

    @Test
    void aBrokenBackendIsNamedAndTheRestStillShown() {
        BackendInfoProvider backend = mock(BackendInfoProvider.class);
        given(backend.get()).willThrow(new IllegalStateException("ND4J could not be initialised: no natives"));

        Map<String, Object> training = contribute(backend);

        assertThat(training).containsEntry("backendError", "ND4J could not be initialised: no natives")
                .containsEntry("workerSlots", 2).doesNotContainKey("backend");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> contribute(BackendInfoProvider backend) {
        Info.Builder builder = new Info.Builder();
        new TrainingInfoContributor(backend, PROPERTIES).contribute(builder);
        return (Map<String, Object>) builder.build().getDetails().get("training");
    }
}
