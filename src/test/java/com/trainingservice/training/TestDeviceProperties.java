package com.trainingservice.training;

import java.time.Duration;

/** Device settings for tests: training-service.devices without Spring. */
final class TestDeviceProperties {

    private TestDeviceProperties() {
    }

    static DeviceProperties of(boolean cpuFallback, boolean selfTest, Duration selfTestTimeout) {
        return new DeviceProperties(cpuFallback, selfTest, selfTestTimeout, new DeviceProperties.Memory(null, null));
    }

    static DeviceProperties defaults() {
        return of(false, true, Duration.ofSeconds(10));
    }
}
