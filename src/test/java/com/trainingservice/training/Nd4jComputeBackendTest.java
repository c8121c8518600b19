package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ND4J's side: the real CPU backend of this build, and the GPUs as ND4J's CUDA executioner describes them. */
class Nd4jComputeBackendTest {

    private final Nd4jComputeBackend backend = new Nd4jComputeBackend();

    @Test
    void theRealBackendIsTheCpuAndRunsTheNetwork() {
        BackendInfo info = backend.describe();

        assertThat(info.backend()).isEqualTo("CPU");
        assertThat(info.isGpu()).isFalse();
        assertThat(info.blasVendor()).isNotBlank();
        assertThat(info.cores()).isPositive();
        assertThat(info.ompThreads()).isPositive();
        assertThat(info.devices()).isEqualTo(1);
        assertThat(info.computeDevices()).containsExactly(ComputeDevice.cpu());
        assertThat(CpuFeatures.INTERESTING).containsAll(info.cpuFeatures());
        backend.selfTest(ComputeDevice.cpu()); // throws when the kernels cannot run
    }

    @Test
    void thisBuildCarriesNoCudaBackend() {
        assertThat(backend.gpuBackendPackaged()).isFalse();
        assertThat(backend.gpuBackendProblem()).isEqualTo("there is no CUDA backend in this build");
    }

    @Test
    void gpusAreReadFromNd4jsDeviceInformation() {
        // the shape of CudaExecutioner.getEnvironmentInformation()'s "cuda.devicesInformation" in ND4J 1.0.0-M2.1
        Object information = List.of(
                Map.of("cuda.deviceName", "NVIDIA A100-SXM4-40GB", "cuda.deviceMajor", 8L, "cuda.deviceMinor", 0L,
                        "cuda.totalMemory", 42_505_273_344L, "cuda.freeMemory", 42_000_000_000L),
                Map.of("cuda.deviceName", "NVIDIA H100 PCIe", "cuda.deviceMajor", 9L, "cuda.deviceMinor", 0L,
                        "cuda.totalMemory", 85_028_126_720L));

        assertThat(Nd4jComputeBackend.gpus(information, 2)).containsExactly(
                ComputeDevice.cuda(0, "NVIDIA A100-SXM4-40GB", "8.0", 42_505_273_344L),
                ComputeDevice.cuda(1, "NVIDIA H100 PCIe", "9.0", 85_028_126_720L));
        assertThat(Nd4jComputeBackend.gpus(information, 1)).as("only the devices ND4J uses").hasSize(1);
        assertThat(Nd4jComputeBackend.gpus(null, 1)).as("the CPU backend has none").isEmpty();
    }

    @Test
    void theRootCauseIsWhatTheUserNeedsToRead() {
        RuntimeException wrapped = new RuntimeException("op failed",
                new IllegalStateException("cudaErrorNoKernelImageForDevice",
                        new RuntimeException("no kernel image is available for execution on the device")));

        assertThat(Nd4jComputeBackend.rootCause(wrapped))
                .isEqualTo("no kernel image is available for execution on the device");
    }
}
