package com.trainingservice.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The SIMD features of the CPU, from the {@code flags} line of /proc/cpuinfo (Linux x86-64). */
public final class CpuFeatures {

    /** The flags that tell which kernels ND4J and OpenBLAS can use, in this order. */
    public static final List<String> INTERESTING = List.of("sse4_2", "avx", "avx2", "fma", "avx512f");

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private CpuFeatures() {
    }

    /** The {@link #INTERESTING} flags this machine's CPU has; empty when /proc/cpuinfo cannot be read. */
    public static List<String> detect() {
        return detect(CPUINFO);
    }

    static List<String> detect(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return parse(lines);
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return List.of();
        }
    }

    /** The {@link #INTERESTING} flags named on the first {@code flags : ...} line. */
    static List<String> parse(Stream<String> cpuinfoLines) {
        return cpuinfoLines
                .filter(line -> line.startsWith("flags") && line.indexOf(':') > 0)
                .findFirst()
                .map(line -> {
                    Set<String> flags = Set.copyOf(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                    return INTERESTING.stream().filter(flags::contains).toList();
                })
                .orElse(List.of());
    }
}
