package com.trainingservice.inference;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.trainingservice.job.JobNotFoundException;
import com.trainingservice.job.JobService;
import com.trainingservice.web.ApiProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Coverage-guided fuzzing of predict request parsing (Jazzer), from the JSON bytes on. JSON the
 * mapper rejects ends the input (Jackson's exceptions are not findings); after that the only allowed
 * failure is {@link ApiProblem}, and instances that are accepted must be 784 values in [0, 1].
 * No model is needed: validation comes before the model is looked up, and the job service here knows
 * no job, so a request that passes validation ends in the "no model" problem on field {@code id}.
 * Regression inputs: {@code src/test/resources/com/trainingservice/inference/PredictRequestFuzzTestInputs/<method>/}.
 */
class PredictRequestFuzzTest {

    /** As the application's mapper: unknown fields are rejected (web/JsonConfiguration). */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    private static final PredictionService SERVICE = service();

    private static PredictionService service() {
        JobService jobs = mock(JobService.class);
        given(jobs.get(any())).willThrow(new JobNotFoundException(ID));
        return new PredictionService(jobs, new PredictProperties(256, 1 << 20, 1_000_000, 1, 1, Duration.ZERO));
    }

    /** A JSON array is a list of instances; any other JSON value is one instance. */
    @FuzzTest(maxDuration = "2m")
    void instances(byte[] json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JacksonException e) {
            return;
        }
        List<JsonNode> instances = new ArrayList<>();
        if (tree != null && tree.isArray()) {
            tree.forEach(instances::add);
        } else {
            instances.add(tree);
        }
        try {
            for (float[] pixels : InstanceParser.parse(instances)) {
                ImagePreprocessorFuzzTest.assertPixels(pixels);
            }
        } catch (ApiProblem e) {
            // the answer to a bad instance
        }
    }

    /** The whole request body, deserialized and validated as {@code POST /models/{id}/predict} does. */
    @FuzzTest(maxDuration = "2m")
    void predictRequest(byte[] json) {
        PredictRequest request;
        try {
            request = JSON.readValue(json, PredictRequest.class);
        } catch (JacksonException e) {
            return;
        }
        if (request == null) {
            return;
        }
        try {
            SERVICE.predict(ID, request);
            throw new AssertionError("predicted without a model");
        } catch (ApiProblem e) {
            if (e.getMessage().startsWith("id: ") && request.instances() != null && !request.instances().isEmpty()) {
                // validation passed: the instances must have been read as pixels
                for (float[] pixels : InstanceParser.parse(request.instances())) {
                    ImagePreprocessorFuzzTest.assertPixels(pixels);
                }
            }
        }
    }
}
