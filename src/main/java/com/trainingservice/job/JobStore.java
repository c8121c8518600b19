package com.trainingservice.job;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Where jobs live. */
public interface JobStore {

    void add(Job job);

    Optional<Job> find(UUID id);

    void remove(UUID id);

    /** Newest first, optionally only those in {@code state}. */
    List<Job> list(JobState state, int offset, int limit);

    long count(JobState state);

    /** Jobs of {@code owner} in {@code state}. */
    long count(JobState state, String owner);
}
