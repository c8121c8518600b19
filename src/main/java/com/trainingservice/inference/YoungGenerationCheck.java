package com.trainingservice.inference;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * Warns once at start-up when the JVM was started without a young-generation size. Every ND4J array leaves
 * deallocator references that each young GC copies, so G1's default young generation (hundreds of MB) makes
 * 40-140 ms pauses, which are predict's p99; {@code -Xmn16m} keeps them near 8 ms (README, Predict under load).
 */
class YoungGenerationCheck {

    private static final Logger log = LoggerFactory.getLogger(YoungGenerationCheck.class);

    @EventListener(ApplicationReadyEvent.class)
    void warnWithoutAYoungGenerationSize() {
        String warning = warning(ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (warning != null) {
            log.warn(warning);
        }
    }

    /** The warning for a JVM started with {@code jvmArguments}, or null when they size the young generation. */
    static String warning(List<String> jvmArguments) {
        boolean sized = jvmArguments.stream().anyMatch(argument -> argument.startsWith("-Xmn")
                || argument.startsWith("-XX:NewSize=") || argument.startsWith("-XX:MaxNewSize="));
        return sized ? null
                : "the JVM was started without a young-generation size: GC pauses of 40-140 ms while jobs train or "
                + "predictions run will show in predict latency. Start it with -Xmn16m (./mvnw spring-boot:run, the "
                + "image and the README's java -jar line do; see README, Predict under load)";
    }
}
