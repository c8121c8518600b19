package com.trainingservice.metrics;

import com.trainingservice.job.JobService;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The service's own meters, served at /actuator/prometheus next to the JVM and HTTP ones actuator provides. */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    TrainingMetrics trainingMetrics(MeterRegistry registry, JobService jobs) {
        return new TrainingMetrics(registry, jobs::queueLength, jobs::runningJobs);
    }

    @Bean
    PredictMetrics predictMetrics(MeterRegistry registry) {
        return new PredictMetrics(registry);
    }

    /** A MeterBinder bean: actuator binds it to the registry. */
    @Bean
    JavaCppMemoryMetrics javaCppMemoryMetrics() {
        return new JavaCppMemoryMetrics();
    }
}
