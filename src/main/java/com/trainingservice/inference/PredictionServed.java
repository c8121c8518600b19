package com.trainingservice.inference;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A predict request was answered with predictions.
 *
 * @param input how the request sent its data: one of {@link #INPUTS}
 * @param instances how many instances or images it predicted
 * @param latency the whole predict call: decoding, preprocessing, loading the model if needed, the network
 */
public record PredictionServed(UUID modelId, String input, int instances, Duration latency) {

    /** JSON pixel arrays. */
    public static final String INSTANCES = "instances";
    /** JSON base64 images. */
    public static final String IMAGES = "images";
    /** multipart {@code image} parts. */
    public static final String MULTIPART = "multipart";
    /** one image as the request body. */
    public static final String BODY = "body";
    public static final List<String> INPUTS = List.of(INSTANCES, IMAGES, MULTIPART, BODY);
}
