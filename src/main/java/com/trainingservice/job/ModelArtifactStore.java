package com.trainingservice.job;

import java.util.Optional;
import java.util.UUID;

/** The trained models (DL4J model zips), one per SUCCEEDED job. */
public interface ModelArtifactStore {

    void save(UUID jobId, byte[] model);

    Optional<byte[]> load(UUID jobId);
}
