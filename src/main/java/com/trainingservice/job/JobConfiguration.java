package com.trainingservice.job;

import com.trainingservice.security.SecurityProperties;
import com.trainingservice.training.DevicePool;
import com.trainingservice.training.Trainer;
import com.trainingservice.training.WorkerSlots;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class JobConfiguration {

    private static final Logger log = LoggerFactory.getLogger(JobConfiguration.class);

    @Bean
    JobStore jobStore() {
        return new InMemoryJobStore();
    }

    @Bean
    ModelArtifactStore modelArtifactStore(JobProperties properties) {
        return new FileModelArtifactStore(properties.modelDirectory());
    }

    @Bean
    JobEvents jobEvents(JobProperties properties) {
        return new JobEvents(properties.eventKeepAlive());
    }

    @Bean
    JobExecutor jobExecutor(Trainer trainer, ModelArtifactStore models, JobEvents events,
                            ApplicationEventPublisher publisher, JobProperties properties, DevicePool devices) {
        String warning = WorkerSlots.warning(properties.workerSlots(), devices.status());
        if (warning != null) {
            log.warn(warning);
        }
        JobProperties resolved = properties.withWorkerSlots(devices.workerSlots(properties.workerSlots()));
        return new JobExecutor(trainer, models, events, publisher, resolved, Clock.systemUTC());
    }

    @Bean
    JobService jobService(JobStore store, JobExecutor executor, JobEvents events, ApplicationEventPublisher publisher,
                          ModelArtifactStore models, JobProperties properties, SecurityProperties security) {
        return new JobService(store, executor, events, publisher, models, Clock.systemUTC(),
                security.maxQueuedJobsPerKey(), properties.retryAfter());
    }
}
