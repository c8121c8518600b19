package com.trainingservice.training;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which devices training runs on and what happens when the GPU backend cannot be used.
 *
 * @param cpuFallback     train on the CPU when the build carries the CUDA backend but ND4J could not use it (the jar
 *                        must carry the CPU backend too: {@code -Pcuda,cpu}); false: health DOWN with the reason
 * @param selfTest        run the network's kernels once on every device at start-up, so a GPU the build has no code
 *                        for is found then, not by the first job
 * @param selfTestTimeout how long one device's self-test may take before it counts as failed
 * @param memory          JavaCPP's off-heap limits, set before ND4J loads
 */
@Validated
@ConfigurationProperties("training-service.devices")
public record DeviceProperties(
        @DefaultValue("false") boolean cpuFallback,
        @DefaultValue("true") boolean selfTest,
        @DefaultValue("2m") @NotNull Duration selfTestTimeout,
        @DefaultValue @NotNull @Valid Memory memory) {

    /**
     * JavaCPP's limits on the memory ND4J allocates outside the heap; empty leaves JavaCPP's own defaults (or the
     * {@code -Dorg.bytedeco.javacpp.*} options given to the JVM, which take precedence). Sizes as JavaCPP reads them:
     * bytes, or a number with {@code k}, {@code m}, {@code g}, {@code t}.
     *
     * @param javacppMaxBytes         {@code org.bytedeco.javacpp.maxbytes}: off-heap bytes: ND4J's arrays in host memory (on CUDA, their host-side copies)
     * @param javacppMaxPhysicalBytes {@code org.bytedeco.javacpp.maxphysicalbytes}: resident memory of the process
     */
    public record Memory(String javacppMaxBytes, String javacppMaxPhysicalBytes) {
    }
}
