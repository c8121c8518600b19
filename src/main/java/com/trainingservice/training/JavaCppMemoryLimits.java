package com.trainingservice.training;

import java.util.Properties;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Sets JavaCPP's off-heap limits from {@code training-service.devices.memory} before anything loads ND4J: JavaCPP
 * reads them once, from system properties, when it first allocates. A limit given to the JVM
 * ({@code -Dorg.bytedeco.javacpp.maxbytes=...}) wins. Registered in META-INF/spring.factories, since it must run
 * before the application's beans exist.
 */
public class JavaCppMemoryLimits implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    static final String MAX_BYTES = "org.bytedeco.javacpp.maxbytes";
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxphysicalbytes";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        apply(event.getEnvironment(), System.getProperties());
    }

    static void apply(Environment environment, Properties system) {
        Binder binder = Binder.get(environment);
        setUnlessGiven(system, MAX_BYTES, binder, "training-service.devices.memory.javacpp-max-bytes");
        setUnlessGiven(system, MAX_PHYSICAL_BYTES, binder, "training-service.devices.memory.javacpp-max-physical-bytes");
    }

    private static void setUnlessGiven(Properties system, String name, Binder binder, String setting) {
        String value = binder.bind(setting, String.class).orElse("").trim();
        if (!value.isEmpty() && system.getProperty(name) == null) {
            system.setProperty(name, value);
        }
    }
}
