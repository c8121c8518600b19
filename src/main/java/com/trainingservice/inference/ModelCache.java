package com.trainingservice.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** The most recently used models, loaded; a model loads once however many requests ask for it at once. */
final class ModelCache {

    private final Map<UUID, LoadedModel> models;

    ModelCache(int capacity) {
        this.models = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, LoadedModel> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized LoadedModel get(UUID id, Function<UUID, LoadedModel> loader) {
        return models.computeIfAbsent(id, loader);
    }

    synchronized void evict(UUID id) {
        models.remove(id);
    }
}
