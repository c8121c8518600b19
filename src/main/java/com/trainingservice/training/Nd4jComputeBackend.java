package com.trainingservice.training;

import com.trainingservice.training.network.LeNetFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.common.config.ND4JClassLoading;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;

/** {@link ComputeBackend} on ND4J: its environment information, affinity manager and backends on the class path. */
final class Nd4jComputeBackend implements ComputeBackend {

    /** ND4J's CUDA backend; referred to by name, so the CPU build compiles and runs without it. */
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    @Override
    public BackendInfo describe() {
        Map<Object, Object> environment = Nd4j.getExecutioner().getEnvironmentInformation();
        int devices = Nd4j.getAffinityManager().getNumberOfDevices();
        String backend = String.valueOf(environment.getOrDefault(Nd4jEnvironment.BACKEND_KEY, backendOfClass()));
        BackendInfo counted = new BackendInfo(
                backend,
                String.valueOf(environment.getOrDefault(Nd4jEnvironment.BLAS_VENDOR_KEY, "unknown")),
                intValue(environment.get(Nd4jEnvironment.OMP_THREADS_KEY), Nd4j.getEnvironment().maxThreads()),
                intValue(environment.get(Nd4jEnvironment.BLAS_THREADS_KEY), -1),
                intValue(environment.get(Nd4jEnvironment.CPU_CORES_KEY), Runtime.getRuntime().availableProcessors()),
                devices,
                CpuFeatures.detect());
        List<ComputeDevice> gpus = gpus(environment.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY), devices);
        return gpus.isEmpty() ? counted : new BackendInfo(counted.backend(), counted.blasVendor(), counted.ompThreads(),
                counted.blasThreads(), counted.cores(), devices, counted.cpuFeatures(), gpus);
    }

    /** The GPUs ND4J's CUDA executioner describes: a list of maps with name, compute capability and memory. */
    static List<ComputeDevice> gpus(Object devicesInformation, int devices) {
        List<ComputeDevice> gpus = new ArrayList<>();
        if (devicesInformation instanceof List<?> list) {
            for (int index = 0; index < Math.min(list.size(), devices); index++) {
                if (list.get(index) instanceof Map<?, ?> device) {
                    Object major = device.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY);
                    Object minor = device.get(Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY);
                    gpus.add(ComputeDevice.cuda(index,
                            String.valueOf(device.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY)),
                            major == null || minor == null ? null : major + "." + minor,
                            intValue(device.get(Nd4jEnvironment.CUDA_TOTAL_MEMORY_KEY), 0L)));
                }
            }
        }
        return gpus;
    }

    private static String backendOfClass() {
        String name = Nd4j.getBackend().getClass().getName();
        return CUDA_BACKEND.equals(name) ? BackendInfo.CUDA : BackendInfo.CPU;
    }

    @Override
    public boolean gpuBackendPackaged() {
        return Nd4jComputeBackend.class.getClassLoader().getResource(CUDA_BACKEND.replace('.', '/') + ".class") != null;
    }

    @Override
    public String gpuBackendProblem() {
        for (Nd4jBackend backend : ND4JClassLoading.loadService(Nd4jBackend.class)) {
            if (CUDA_BACKEND.equals(backend.getClass().getName())) {
                try {
                    return backend.isAvailable() ? null : "the CUDA backend says it is not available";
                } catch (RuntimeException | LinkageError e) {
                    return rootCause(e);
                }
            }
        }
        return "there is no CUDA backend in this build";
    }

    @Override
    public void bind(ComputeDevice device) {
        if (device.isGpu()) {
            Nd4j.getAffinityManager().unsafeSetDevice(device.index());
        }
    }

    @Override
    public void selfTest(ComputeDevice device) {
        bind(device);
        INDArray product = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}})
                .mmul(Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}, {1, 1}}));
        INDArray expected = Nd4j.createFromArray(new float[][] {{4, 5}, {10, 11}});
        if (!product.equalsWithEps(expected, 1e-5)) {
            throw new IllegalStateException("a matrix product on " + device.id() + " gave " + product + ", not " + expected);
        }
        MultiLayerNetwork network = LeNetFactory.build(Variant.LENET_BN, 0.1, 1);
        INDArray images = Nd4j.rand(DataType.FLOAT, 8, 784);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 10);
        for (int row = 0; row < 8; row++) {
            labels.putScalar(row, row, 1f);
        }
        network.fit(new DataSet(images, labels));
        if (!Double.isFinite(network.score())) {
            throw new IllegalStateException("a training step on " + device.id() + " gave the loss " + network.score());
        }
    }

    /** The error, and its root cause when that says more (an ExceptionInInitializerError says nothing itself). */
    static String explain(Throwable error) {
        String root = rootCause(error);
        return error.getMessage() != null && error.getMessage().contains(root) ? error.toString()
                : error + " (" + root + ")";
    }

    static String rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private static int intValue(Object value, int fallback) {
        return (int) intValue(value, (long) fallback);
    }

    private static long intValue(Object value, long fallback) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value != null) {
            try {
                return Long.parseLong(value.toString().trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }
}
