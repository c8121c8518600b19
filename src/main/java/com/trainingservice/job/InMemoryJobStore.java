package com.trainingservice.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Jobs in this process's memory, newest first; they do not survive a restart. */
class InMemoryJobStore implements JobStore {

    private final Map<UUID, Job> byId = new ConcurrentHashMap<>();
    private final List<Job> newestFirst = new ArrayList<>();

    @Override
    public synchronized void add(Job job) {
        if (byId.putIfAbsent(job.id(), job) != null) {
            throw new IllegalArgumentException("job " + job.id() + " exists");
        }
        newestFirst.add(0, job);
    }

    @Override
    public Optional<Job> find(UUID id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized void remove(UUID id) {
        Job job = byId.remove(id);
        if (job != null) {
            newestFirst.remove(job);
        }
    }

    @Override
    public synchronized List<Job> list(JobState state, int offset, int limit) {
        return newestFirst.stream()
                .filter(job -> state == null || job.state() == state)
                .skip(offset)
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized long count(JobState state) {
        return state == null ? newestFirst.size() : newestFirst.stream().filter(job -> job.state() == state).count();
    }

    @Override
    public synchronized long count(JobState state, String owner) {
        return newestFirst.stream().filter(job -> job.state() == state && job.owner().equals(owner)).count();
    }
}
