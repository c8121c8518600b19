package com.trainingservice.inference;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits and resources of predict.
 *
 * @param maxInstances instances or images in one request
 * @param maxImageBytes size of one encoded image
 * @param maxImagePixels width times height of one image, checked before it is decoded
 * @param networksPerModel copies of a model that predict at the same time (DL4J networks are not thread-safe); 0 for one per CPU
 * @param cachedModels models kept loaded, least recently used dropped first
 * @param modelRecheckInterval how often a loaded model's job is looked up again in the database (a model deleted on
 *                             another instance stops predicting here within this time; deletes here evict at once)
 */
@Validated
@ConfigurationProperties("training-service.predict")
public record PredictProperties(
        @DefaultValue("256") @Min(1) @Max(4096) int maxInstances,
        @DefaultValue("10485760") @Min(1) long maxImageBytes,
        @DefaultValue("40000000") @Min(1) long maxImagePixels,
        @DefaultValue("0") @Min(0) @Max(256) int networksPerModel,
        @DefaultValue("8") @Min(1) @Max(1000) int cachedModels,
        @DefaultValue("5s") @NotNull Duration modelRecheckInterval) {

    int effectiveNetworksPerModel() {
        return networksPerModel == 0 ? Runtime.getRuntime().availableProcessors() : networksPerModel;
    }
}
