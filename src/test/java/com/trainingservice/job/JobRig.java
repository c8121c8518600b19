package com.trainingservice.job;

import com.trainingservice.training.Trainer;
import com.trainingservice.training.TrainingThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The jobs feature without Spring: store, runner, db-scheduler queue and service on a migrated database
 * (a fresh in-memory H2 unless the test brings one), one instance per rig. Two rigs on one database are
 * two replicas.
 */
final class JobRig implements AutoCloseable {

    final DataSource dataSource;
    final JobStore store;
    final JobRunner runner;
    final JobQueue queue;
    final JobEvents events;
    final JobService jobs;
    /** What this instance published, in order. */
    final List<Object> published = new CopyOnWriteArrayList<>();

    JobRig(Trainer trainer, JobProperties properties) {
        this(trainer, properties, migratedH2(), 0, "test-instance");
    }

    JobRig(Trainer trainer, JobProperties properties, DataSource dataSource, int maxQueuedPerOwner, String instance) {
        this.dataSource = dataSource;
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        store = new JobStore(JdbcClient.create(dataSource));
        runner = new JobRunner(store, trainer, transactions, published::add, properties, Clock.systemUTC(), instance);
        queue = new JobQueue(dataSource, runner, store, properties, Clock.systemUTC(), instance,
                new TrainingThreads(0, "training-worker-"));
        events = new JobEvents(store, properties.eventPollInterval(), properties.eventKeepAlive());
        jobs = new JobService(store, queue, runner, events, transactions, published::add, properties, Clock.systemUTC(),
                maxQueuedPerOwner);
        queue.start();
    }

    /** Quick polling and heartbeats, so tests see hand-overs in seconds. */
    static JobProperties properties(int queueCapacity) {
        return properties(1, queueCapacity);
    }

    static JobProperties properties(int workerSlots, int queueCapacity) {
        return new JobProperties(workerSlots, queueCapacity, Duration.ofSeconds(42), Duration.ofSeconds(5),
                Duration.ofSeconds(15), Duration.ofMillis(50), Duration.ofMillis(20), 3, Duration.ofMillis(200),
                Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO, Duration.ofDays(7), Duration.ofMillis(100), 4,
                Duration.ofMillis(100));
    }

    static DataSource migratedH2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return migrated(h2);
    }

    static DataSource migrated(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).load().migrate();
        return dataSource;
    }

    @Override
    public void close() {
        queue.stop();
        events.close();
    }
}
