package com.trainingservice.training;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;

/**
 * What a user asks to train. The same spec with the same seed gives the same metrics.
 *
 * @param trainExamples train on this many examples of the training set, a subset fixed by the seed; null for all
 * @param maxRuntime how long the job may train, all its attempts together; null for the service's default
 */
@Schema(example = """
        {"variant": "lenet-bn", "learningRate": 0.9, "epochs": 2, "batchSize": 256, "seed": 42, "trainExamples": 6000, "maxRuntime": "PT30M"}""")
public record TrainingSpec(
        @NotNull @Schema(description = "network to train", allowableValues = {"lenet-bn-scratch", "lenet-bn", "lenet"})
        Variant variant,
        @NotNull @Positive @DecimalMax("10") @Schema(description = "SGD learning rate, finite, > 0 and <= 10", example = "0.9")
        Double learningRate,
        @NotNull @Min(1) @Max(MAX_EPOCHS) @Schema(description = "epochs, 1..200", example = "10")
        Integer epochs,
        @NotNull @Min(1) @Max(MAX_BATCH_SIZE) @Schema(description = "minibatch size, 1..4096", example = "256")
        Integer batchSize,
        @Schema(description = "seed of initialisation, subset and shuffling; random when absent", example = "42")
        Long seed,
        @Min(1) @Max(FULL_TRAINING_SET) @Schema(description = "train on the first N examples of a seeded shuffle of the training set; all 60000 when absent", example = "6000")
        Integer trainExamples,
        @Schema(description = "ISO-8601 duration the job may train, all attempts together (PT30M, PT2H); past it the job "
                + "ends FAILED with 'max runtime exceeded'. Absent: the service's default; at most its ceiling",
                type = "string", example = "PT30M")
        Duration maxRuntime) {

    /** A spec with the service's default maximum run time. */
    public TrainingSpec(Variant variant, Double learningRate, Integer epochs, Integer batchSize, Long seed,
                        Integer trainExamples) {
        this(variant, learningRate, epochs, batchSize, seed, trainExamples, null);
    }

    public static final int MAX_EPOCHS = 200;
    public static final int MAX_BATCH_SIZE = 4096;
    public static final int FULL_TRAINING_SET = 60_000;

    /** Jackson reads 1e400 as Infinity; @DecimalMax alone lets it through on some validators. */
    @AssertTrue(message = "must be a finite number")
    @Schema(hidden = true)
    boolean isLearningRateFinite() {
        return learningRate == null || Double.isFinite(learningRate);
    }

    /** The spec with its defaults filled in, as it is stored and trained. */
    public TrainingSpec withDefaults(long defaultSeed, Duration defaultMaxRuntime) {
        return new TrainingSpec(variant, learningRate, epochs, batchSize,
                seed == null ? defaultSeed : seed,
                trainExamples == null ? FULL_TRAINING_SET : trainExamples,
                maxRuntime == null ? defaultMaxRuntime : maxRuntime);
    }
}
