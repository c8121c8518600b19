package com.trainingservice.training;

import java.util.List;

/**
 * What a finished training run leaves behind.
 *
 * @param epochs the epochs this run trained (after its checkpoint, when it resumed from one)
 *
 * @param examplesPerSecond all training examples divided by all time spent in training steps (the reference's figure),
 *                          epochs before a resume included
 * @param device where it trained, e.g. "cpu"
 * @param model the trained network as a DL4J model zip
 */
public record TrainingResult(List<EpochMetrics> epochs, double examplesPerSecond, String device, byte[] model) {

    public EpochMetrics last() {
        return epochs.get(epochs.size() - 1);
    }
}
