package com.trainingservice.web;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on what a client may send, checked before the request is read into memory.
 *
 * @param maxBodyBytes a request body other than a multipart upload (JSON, a raw image); the default fits
 *                     one image of {@code training-service.predict.max-image-bytes} (10 MiB) as base64 in JSON
 *                     and 256 predict instances of 784 numbers with room to spare. Also Jackson's longest
 *                     string and document.
 * @param maxJsonNestingDepth arrays and objects inside each other in a JSON body (predict's rows of rows need 4)
 */
@Validated
@ConfigurationProperties("training-service.web")
public record WebProperties(
        @DefaultValue("16777216") @Min(1) @Max(Integer.MAX_VALUE) long maxBodyBytes,
        @DefaultValue("32") @Min(4) @Max(1000) int maxJsonNestingDepth) {
}
