package com.trainingservice.job;

import java.util.UUID;

/** A job was deleted with its model: caches of this instance drop what they hold of it. */
public record JobDeleted(UUID jobId) {
}
