package com.trainingservice.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.LongSupplier;
import org.bytedeco.javacpp.Pointer;

/**
 * Off-heap memory of ND4J, which allocates through JavaCPP: invisible to the JVM's heap metrics, and what
 * makes a large batch size run out of memory. JavaCPP is a library of its own, not DL4J, so it may be read here.
 */
class JavaCppMemoryMetrics implements MeterBinder {

    static final String PHYSICAL = "javacpp.memory.physical";
    static final String TOTAL = "javacpp.memory.total";
    static final String MAX = "javacpp.memory.max";
    static final String MAX_PHYSICAL = "javacpp.memory.max.physical";

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, PHYSICAL, Pointer::physicalBytes, "resident memory of the process (RSS), heap included");
        gauge(registry, TOTAL, Pointer::totalBytes, "off-heap bytes allocated through JavaCPP (ND4J arrays)");
        gauge(registry, MAX, Pointer::maxBytes, "limit on the off-heap bytes JavaCPP allocates");
        gauge(registry, MAX_PHYSICAL, Pointer::maxPhysicalBytes, "limit on the process's physical memory JavaCPP allows");
    }

    private static void gauge(MeterRegistry registry, String name, LongSupplier bytes, String description) {
        Gauge.builder(name, () -> read(bytes)).baseUnit(BaseUnits.BYTES).description(description).register(registry);
    }

    /** NaN, not a failed scrape, when JavaCPP's natives cannot be loaded. */
    private static double read(LongSupplier bytes) {
        try {
            return bytes.getAsLong();
        } catch (RuntimeException | LinkageError e) {
            return Double.NaN;
        }
    }
}
