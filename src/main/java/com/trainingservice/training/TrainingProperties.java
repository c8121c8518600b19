package com.trainingservice.training;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How training runs.
 *
 * @param evaluationBatchSize test-set evaluation runs in batches this large (inference mode, memory-bound)
 */
@Validated
@ConfigurationProperties("training-service.training")
public record TrainingProperties(
        @DefaultValue("1000") @Min(1) @Max(10_000) int evaluationBatchSize) {
}
