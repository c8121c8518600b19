package com.trainingservice.inference;

import java.util.List;

/** The predicted class of one image and the probability of every class (index = class). */
public record Prediction(String label, int classIndex, List<Float> probabilities) {
}
