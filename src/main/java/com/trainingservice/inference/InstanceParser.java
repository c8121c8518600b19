package com.trainingservice.inference;

import com.trainingservice.web.ApiProblem;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reads predict instances: 784 numbers, or 28 rows of 28, each finite and in [0, 1]. */
final class InstanceParser {

    static final int SIDE = ImagePreprocessor.SIDE;
    static final int PIXELS = SIDE * SIDE;

    private InstanceParser() {
    }

    /** @throws ApiProblem naming the instance (and element) that is wrong */
    static float[][] parse(List<JsonNode> instances) {
        float[][] pixels = new float[instances.size()][];
        for (int i = 0; i < instances.size(); i++) {
            pixels[i] = parse(instances.get(i), "instances[" + i + "]");
        }
        return pixels;
    }

    private static float[] parse(JsonNode instance, String field) {
        if (instance == null || !instance.isArray()) {
            throw ApiProblem.badRequest(field, "must be an array of 784 numbers or of 28 rows of 28 numbers");
        }
        float[] pixels = new float[PIXELS];
        if (instance.size() == PIXELS) {
            for (int p = 0; p < PIXELS; p++) {
                pixels[p] = pixel(instance.get(p), field + "[" + p + "]");
            }
        } else if (instance.size() == SIDE) {
            for (int y = 0; y < SIDE; y++) {
                JsonNode row = instance.get(y);
                String rowField = field + "[" + y + "]";
                if (!row.isArray() || row.size() != SIDE) {
                    throw ApiProblem.badRequest(rowField, "must be a row of 28 numbers"
                            + (row.isArray() ? ", got " + row.size() : ""));
                }
                for (int x = 0; x < SIDE; x++) {
                    pixels[y * SIDE + x] = pixel(row.get(x), rowField + "[" + x + "]");
                }
            }
        } else {
            throw ApiProblem.badRequest(field, "must hold 784 numbers or 28 rows of 28, got " + instance.size() + " elements");
        }
        return pixels;
    }

    private static float pixel(JsonNode value, String field) {
        if (value == null || !value.isNumber()) {
            throw ApiProblem.badRequest(field, "must be a number in [0, 1]");
        }
        double number = value.asDouble();
        if (!Double.isFinite(number) || number < 0 || number > 1) {
            throw ApiProblem.badRequest(field, "must be a number in [0, 1], got " + value);
        }
        return (float) number;
    }
}
