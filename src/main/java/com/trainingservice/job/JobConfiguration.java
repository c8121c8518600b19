package com.trainingservice.job;

import com.trainingservice.security.SecurityProperties;
import com.trainingservice.training.DevicePool;
import com.trainingservice.training.Trainer;
import com.trainingservice.training.TrainingThreads;
import com.trainingservice.training.WorkerSlots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.transaction.PlatformTransactionManager;

@Configuration(proxyBeanMethods = false)
class JobConfiguration {

    private static final Logger log = LoggerFactory.getLogger(JobConfiguration.class);

    /** Names this process in the queue and in the jobs it runs: host and process id, unique on a host. */
    static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    @Bean
    JobStore jobStore(DataSource dataSource) {
        return new JobStore(JdbcClient.create(dataSource));
    }

    @Bean
    JobEvents jobEvents(JobStore store, JobProperties properties) {
        return new JobEvents(store, properties.eventPollInterval(), properties.eventKeepAlive());
    }

    @Bean
    JobRunner jobRunner(JobStore store, Trainer trainer, PlatformTransactionManager transactions,
                        ApplicationEventPublisher publisher, JobProperties properties) {
        return new JobRunner(store, trainer, new TransactionTemplate(transactions), publisher, properties,
                Clock.systemUTC(), instanceName());
    }

    @Bean
    JobQueue jobQueue(DataSource dataSource, JobRunner runner, JobStore store, JobProperties properties,
                      DevicePool devices, TrainingThreads workerThreads) {
        String warning = WorkerSlots.warning(properties.workerSlots(), devices.status());
        if (warning != null) {
            log.warn(warning);
        }
        JobProperties resolved = properties.withWorkerSlots(devices.workerSlots(properties.workerSlots()));
        return new JobQueue(dataSource, runner, store, resolved, Clock.systemUTC(), instanceName(), workerThreads);
    }

    @Bean
    JobService jobService(JobStore store, JobQueue queue, JobRunner runner, JobEvents events,
                          PlatformTransactionManager transactions, ApplicationEventPublisher publisher,
                          JobProperties properties, SecurityProperties security) {
        return new JobService(store, queue, runner, events, new TransactionTemplate(transactions), publisher, properties,
                Clock.systemUTC(), security.maxQueuedJobsPerKey());
    }
}
