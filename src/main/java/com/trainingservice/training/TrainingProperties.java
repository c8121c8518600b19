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
 * @param nice the nice value of the threads that train (0-19): requests get the CPU before training does
 */
@Validated
@ConfigurationProperties("training-service.training")
public record TrainingProperties(
        @DefaultValue("1000") @Min(1) @Max(10_000) int evaluationBatchSize,
        @DefaultValue("19") @Min(0) @Max(19) int nice) {
}
