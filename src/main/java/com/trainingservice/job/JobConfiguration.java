package com.trainingservice.job;

import com.trainingservice.security.SecurityProperties;
import com.trainingservice.training.Trainer;
import java.time.Clock;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class JobConfiguration {

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
                            ApplicationEventPublisher publisher, JobProperties properties) {
        return new JobExecutor(trainer, models, events, publisher, properties, Clock.systemUTC());
    }

    @Bean
    JobService jobService(JobStore store, JobExecutor executor, JobEvents events, ApplicationEventPublisher publisher,
                          ModelArtifactStore models, JobProperties properties, SecurityProperties security) {
        return new JobService(store, executor, events, publisher, models, Clock.systemUTC(),
                security.maxQueuedJobsPerKey(), properties.retryAfter());
    }
}
