package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFeaturesTest {

    @Test
    void keepsTheInterestingFlagsOfTheFirstCpuInAFixedOrder() {
        Stream<String> cpuinfo = Stream.of(
                "processor\t: 0",
                "model name\t: Some CPU",
                "flags\t\t: fpu vme avx512f sse4_1 sse4_2 fma avx2 avx avx512_vnni",
                "processor\t: 1",
                "flags\t\t: fpu");

        assertThat(CpuFeatures.parse(cpuinfo)).containsExactly("sse4_2", "avx", "avx2", "fma", "avx512f");
    }

    @Test
    void anOldCpuHasFewAndAnotherArchitectureNone() {
        assertThat(CpuFeatures.parse(Stream.of("flags : fpu sse sse2 sse4_2"))).containsExactly("sse4_2");
        assertThat(CpuFeatures.parse(Stream.of("Features\t: fp asimd evtstrm aes"))).isEmpty();
    }

    @Test
    void anUnreadableFileGivesNone(@TempDir Path dir) throws Exception {
        assertThat(CpuFeatures.detect(dir.resolve("missing"))).isEmpty();
        Path binary = Files.write(dir.resolve("cpuinfo"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThat(CpuFeatures.detect(binary)).isEmpty();
    }
}
