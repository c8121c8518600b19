package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** training-service.devices.memory becomes JavaCPP's system properties, unless the JVM was given them. */
class JavaCppMemoryLimitsTest {

    @Test
    void theSettingsBecomeJavaCppsSystemProperties() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("training-service.devices.memory.javacpp-max-bytes", "12g")
                .withProperty("training-service.devices.memory.javacpp-max-physical-bytes", "20g");
        Properties system = new Properties();

        JavaCppMemoryLimits.apply(environment, system);

        assertThat(system).containsEntry("org.bytedeco.javacpp.maxbytes", "12g")
                .containsEntry("org.bytedeco.javacpp.maxphysicalbytes", "20g");
    }

    @Test
    void aLimitGivenToTheJvmWinsAndEmptySettingsLeaveJavaCppAlone() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("training-service.devices.memory.javacpp-max-bytes", "12g")
                .withProperty("training-service.devices.memory.javacpp-max-physical-bytes", "");
        Properties system = new Properties();
        system.setProperty("org.bytedeco.javacpp.maxbytes", "4g");

        JavaCppMemoryLimits.apply(environment, system);

        assertThat(system).containsEntry("org.bytedeco.javacpp.maxbytes", "4g")
                .doesNotContainKey("org.bytedeco.javacpp.maxphysicalbytes");
    }
}
