package com.trainingservice.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of image decoding and preprocessing (Jazzer), with small limits. The only
 * allowed failure is {@link ImagePreprocessor.InvalidImageException}; an image that decodes must give
 * 784 finite values in [0, 1]. Anything else (an exception ImageIO lets through, an error, a hang)
 * is a finding. Regression inputs: {@code src/test/resources/com/trainingservice/inference/ImagePreprocessorFuzzTestInputs/toPixels/}.
 */
class ImagePreprocessorFuzzTest {

    private static final ImagePreprocessor PREPROCESSOR = new ImagePreprocessor(1 << 20, 1_000_000);

    @FuzzTest(maxDuration = "2m")
    void toPixels(byte[] encoded) {
        float[] pixels;
        try {
            pixels = PREPROCESSOR.toPixels(encoded);
        } catch (ImagePreprocessor.InvalidImageException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertPixels(pixels);
    }

    static void assertPixels(float[] pixels) {
        assertThat(pixels).hasSize(784);
        for (int i = 0; i < pixels.length; i++) {
            float value = pixels[i];
            if (!(value >= 0f && value <= 1f)) {
                throw new AssertionError("pixel " + i + " is " + value + ", outside [0, 1]");
            }
        }
    }
}
