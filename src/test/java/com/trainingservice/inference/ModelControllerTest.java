package com.trainingservice.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.trainingservice.job.JobNotFoundException;
import com.trainingservice.job.JobService;
import com.trainingservice.job.JobState;
import com.trainingservice.training.data.FashionMnist;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import com.trainingservice.web.ApiSliceTest;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model API over HTTP: the job service is mocked, prediction is real (a tiny trained LeNet-BN served as
 * the artifact of a SUCCEEDED job), so every answer can be checked against the network itself.
 */
@ApiSliceTest(ModelController.class)
class ModelControllerTest {

    private static final String MODELS = "/api/v1/models";
    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;
    private static final UUID MODEL = UUID.fromString("6f1c2d3e-4b5a-4978-8a6b-5c4d3e2f1a0b");
    private static final UUID UNKNOWN = UUID.fromString("00000000-0000-4000-8000-000000000000");
    private static final UUID RUNNING = UUID.fromString("11111111-1111-4111-8111-111111111111");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TinyModel TINY = TinyModel.get();

    @TestConfiguration(proxyBeanMethods = false)
    static class RealPrediction {

        @Bean
        PredictionService predictionService(JobService jobs) {
            return new PredictionService(jobs, new PredictProperties(256, 1 << 20, 4_000_000, 2, 4, Duration.ZERO));
        }
    }

    @Autowired
    MockMvc mvc;

    @MockitoBean
    JobService jobs;

    @BeforeEach
    void jobs() {
        given(jobs.get(MODEL)).willReturn(TinyModel.jobView(MODEL, JobState.SUCCEEDED));
        given(jobs.modelArtifact(MODEL)).willReturn(Optional.of(TINY.artifact));
        given(jobs.get(RUNNING)).willReturn(TinyModel.jobView(RUNNING, JobState.RUNNING));
        given(jobs.modelArtifact(RUNNING)).willReturn(Optional.empty());
        given(jobs.get(UNKNOWN)).willThrow(new JobNotFoundException(UNKNOWN));
        given(jobs.modelArtifact(UNKNOWN)).willThrow(new JobNotFoundException(UNKNOWN));
    }

    // --- predict: the four ways in, all give the network's answer ----------------------------------------

    @Test
    void predictFromFlatAndNestedInstances() throws Exception {
        float[] first = TINY.image(0);
        float[] second = TINY.image(1);
        Map<String, Object> body = Map.of("instances", List.of(first, nested(second)));

        String answer = predict(json(body)).andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.modelId").value(MODEL.toString()))
                .andExpect(jsonPath("$.predictions", hasSize(2)))
                .andReturn().getResponse().getContentAsString();

        assertPredictions(answer, new float[][] {first, second});
    }

    @Test
    void predictFromBase64Images() throws Exception {
        byte[] png = TINY.png(2);
        String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(TINY.png(3));
        // MIME-style line breaks are fine too
        String wrapped = Base64.getMimeEncoder().encodeToString(png);

        String answer = predict(json(Map.of("images", List.of(Base64.getEncoder().encodeToString(png), dataUrl,
                wrapped)))).andExpect(status().isOk())
                .andExpect(jsonPath("$.predictions", hasSize(3)))
                .andReturn().getResponse().getContentAsString();

        assertPredictions(answer, new float[][] {TINY.image(2), TINY.image(3), TINY.image(2)});
    }

    @Test
    void predictFromMultipartImageParts() throws Exception {
        String answer = mvc.perform(multipart(MODELS + "/{id}/predict", MODEL)
                        .file(new MockMultipartFile("image", "four.png", MediaType.IMAGE_PNG_VALUE, TINY.png(4)))
                        .file(new MockMultipartFile("image", "five.png", MediaType.IMAGE_PNG_VALUE, TINY.png(5))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.modelId").value(MODEL.toString()))
                .andExpect(jsonPath("$.predictions", hasSize(2)))
                .andReturn().getResponse().getContentAsString();

        assertPredictions(answer, new float[][] {TINY.image(4), TINY.image(5)});
    }

    @Test
    void predictFromARawPngBody() throws Exception {
        String answer = mvc.perform(post(MODELS + "/{id}/predict", MODEL).contentType(MediaType.IMAGE_PNG)
                        .content(TINY.png(6)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.predictions", hasSize(1)))
                .andReturn().getResponse().getContentAsString();

        assertPredictions(answer, new float[][] {TINY.image(6)});
    }

    // --- models: list, get, download -----------------------------------------------------------------------

    @Test
    void listModels() throws Exception {
        given(jobs.withModels(0, 20)).willReturn(List.of(TinyModel.jobView(MODEL, JobState.SUCCEEDED)));
        given(jobs.countWithModels()).willReturn(1L);

        mvc.perform(get(MODELS)).andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].id").value(MODEL.toString()))
                .andExpect(jsonPath("$.items[0].testAccuracy").value(0.35))
                .andExpect(jsonPath("$.items[0].artifact").value(MODELS + "/" + MODEL + "/artifact"))
                .andExpect(jsonPath("$.items[0].predict").value(MODELS + "/" + MODEL + "/predict"))
                .andExpect(jsonPath("$.page").value(0))
                .andExpect(jsonPath("$.size").value(20))
                .andExpect(jsonPath("$.totalItems").value(1));
    }

    @Test
    void getModel() throws Exception {
        mvc.perform(get(MODELS + "/{id}", MODEL)).andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(MODEL.toString()))
                .andExpect(jsonPath("$.spec.variant").value("lenet-bn"))
                .andExpect(jsonPath("$.trainedAt").value("2025-01-02T03:09:05Z"));
    }

    @Test
    void downloadTheArtifact() throws Exception {
        byte[] zip = mvc.perform(get(MODELS + "/{id}/artifact", MODEL)).andExpect(status().isOk())
                .andExpect(content().contentType("application/zip"))
                .andExpect(header().string(HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"model-" + MODEL + ".zip\""))
                .andReturn().getResponse().getContentAsByteArray();

        assertThat(zip).isEqualTo(TINY.artifact);
    }

    // --- errors: each a problem naming the field ------------------------------------------------------------

    @Test
    void unknownModelIs404() throws Exception {
        assertProblem(mvc.perform(get(MODELS + "/{id}", UNKNOWN)), 404, "id", UNKNOWN.toString());
        assertProblem(mvc.perform(get(MODELS + "/{id}/artifact", UNKNOWN)), 404, "id", UNKNOWN.toString());
        assertProblem(predict(UNKNOWN, instances(1)), 404, "id", UNKNOWN.toString());
    }

    @Test
    void jobThatHasNotSucceededIs409() throws Exception {
        assertProblem(mvc.perform(get(MODELS + "/{id}", RUNNING)), 409, "id", "RUNNING");
        assertProblem(mvc.perform(get(MODELS + "/{id}/artifact", RUNNING)), 409, "id", "RUNNING");
        assertProblem(predict(RUNNING, instances(1)), 409, "id", "RUNNING");
    }

    @Test
    void malformedIdIs400() throws Exception {
        assertProblem(mvc.perform(get(MODELS + "/not-a-uuid")), 400, "id", "UUID");
        assertProblem(mvc.perform(post(MODELS + "/42/predict").contentType(MediaType.APPLICATION_JSON)
                .content(instances(1))), 400, "id", "UUID");
    }

    @Test
    void instancesAndImagesTogetherOrNeitherIs400() throws Exception {
        String both = "{\"instances\": [" + flat(0.5) + "], \"images\": [\"" + base64(TINY.png(0)) + "\"]}";
        assertProblem(predict(both), 400, "images", "not both");
        assertProblem(predict("{}"), 400, "instances", "either");
        assertProblem(predict("{\"instances\": [], \"images\": []}"), 400, "instances", "either");
    }

    @Test
    void moreThan256InstancesOrImagesIs413() throws Exception {
        assertProblem(predict(instances(257)), 413, "instances", "at most 256 per request, got 257");
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 257; i++) {
            images.add("x");
        }
        assertProblem(predict(json(Map.of("images", images))), 413, "images", "at most 256");
        assertThat(JSON.readTree(predict(instances(256)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString()).get("predictions").size()).isEqualTo(256);
    }

    @Test
    void instanceOfTheWrongShapeIs400() throws Exception {
        assertProblem(predict("{\"instances\": [" + flat(0.5) + ", [0.5, 0.5]]}"), 400, "instances[1]",
                "got 2 elements");
        String shortRow = "[" + ("[" + "0,".repeat(27) + "0],").repeat(27) + "[" + "0,".repeat(26) + "0]]";
        assertProblem(predict("{\"instances\": [" + shortRow + "]}"), 400, "instances[0][27]", "got 27");
    }

    @Test
    void pixelOutOfRangeOrNotFiniteIs400() throws Exception {
        assertProblem(predict("{\"instances\": [" + flatWith(5, "1.5") + "]}"), 400, "instances[0][5]", "[0, 1]");
        assertProblem(predict("{\"instances\": [" + flatWith(5, "-0.5") + "]}"), 400, "instances[0][5]", "[0, 1]");
        assertProblem(predict("{\"instances\": [" + flatWith(5, "1e400") + "]}"), 400, "instances[0][5]", "[0, 1]");
        assertProblem(predict("{\"instances\": [" + flatWith(5, "\"0.5\"") + "]}"), 400, "instances[0][5]",
                "must be a number");
        // not JSON numbers at all: refused while reading the body
        assertProblem(predict("{\"instances\": [" + flatWith(5, "NaN") + "]}"), 400, "instances[0]", "NaN");
    }

    @Test
    void invalidBase64Is400() throws Exception {
        assertProblem(predict(json(Map.of("images", List.of(base64(TINY.png(0)), "this is not base64!")))), 400,
                "images[1]", "base64");
        assertProblem(predict(json(Map.of("images", List.of("iVBORw0K#GgoAAAA")))), 400, "images[0]", "base64");
    }

    @Test
    void bytesThatAreNotAnImageAre400() throws Exception {
        String text = base64("just some text".getBytes(StandardCharsets.UTF_8));
        assertProblem(predict(json(Map.of("images", List.of(text)))), 400, "images[0]", "not a PNG or JPEG");
        assertProblem(mvc.perform(post(MODELS + "/{id}/predict", MODEL).contentType(MediaType.IMAGE_PNG)
                .content("just some text")), 400, "body", "not a PNG or JPEG");
        assertProblem(mvc.perform(multipart(MODELS + "/{id}/predict", MODEL)
                        .file(new MockMultipartFile("image", "a.png", MediaType.IMAGE_PNG_VALUE, TINY.png(0)))
                        .file(new MockMultipartFile("image", "b.txt", MediaType.TEXT_PLAIN_VALUE, "text".getBytes()))),
                400, "image[1]", "not a PNG or JPEG");
    }

    @Test
    void truncatedImageIs400() throws Exception {
        byte[] truncated = Arrays.copyOf(TINY.png(0), TINY.png(0).length / 2);
        assertProblem(predict(json(Map.of("images", List.of(base64(truncated))))), 400, "images[0]",
                "could not be decoded");
        assertProblem(mvc.perform(multipart(MODELS + "/{id}/predict", MODEL)
                        .file(new MockMultipartFile("image", "a.png", MediaType.IMAGE_PNG_VALUE, truncated))),
                400, "image", "could not be decoded");
        assertProblem(mvc.perform(post(MODELS + "/{id}/predict", MODEL).contentType(MediaType.IMAGE_PNG)
                .content(truncated)), 400, "body", "could not be decoded");
    }

    @Test
    void unsupportedContentTypeIs415() throws Exception {
        ResultActions answer = mvc.perform(post(MODELS + "/{id}/predict", MODEL).contentType(MediaType.TEXT_PLAIN)
                .content(instances(1)));

        assertProblem(answer, 415, "Content-Type", "text/plain");
        answer.andExpect(header().string(HttpHeaders.ACCEPT, containsString(MediaType.APPLICATION_JSON_VALUE)))
                .andExpect(header().string(HttpHeaders.ACCEPT, containsString(MediaType.IMAGE_PNG_VALUE)));
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private ResultActions predict(String body) throws Exception {
        return predict(MODEL, body);
    }

    private ResultActions predict(UUID id, String body) throws Exception {
        MockHttpServletRequestBuilder request = post(MODELS + "/{id}/predict", id)
                .contentType(MediaType.APPLICATION_JSON).content(body);
        return mvc.perform(request);
    }

    private static void assertProblem(ResultActions answer, int status, String field, String reason)
            throws Exception {
        answer.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.errors[0].reason", containsString(reason)))
                .andExpect(jsonPath("$.detail", containsString(field)));
    }

    /** Each prediction is the network's own: same class, label and probabilities. */
    private static void assertPredictions(String answer, float[][] images) {
        float[][] expected = TINY.expected(images);
        JsonNode predictions = JSON.readTree(answer).get("predictions");
        assertThat(predictions.size()).isEqualTo(images.length);
        for (int i = 0; i < images.length; i++) {
            JsonNode prediction = predictions.get(i);
            int best = 0;
            for (int c = 0; c < 10; c++) {
                best = expected[i][c] > expected[i][best] ? c : best;
            }
            assertThat(prediction.get("classIndex").asInt()).as("prediction %d", i).isEqualTo(best);
            assertThat(prediction.get("label").asString()).isEqualTo(FashionMnist.CLASS_NAMES.get(best));
            JsonNode probabilities = prediction.get("probabilities");
            assertThat(probabilities.size()).isEqualTo(10);
            for (int c = 0; c < 10; c++) {
                assertThat(probabilities.get(c).asDouble()).as("prediction %d class %d", i, c)
                        .isCloseTo(expected[i][c], offset(1e-6));
            }
        }
    }



    private static float[][] nested(float[] flat) {
        float[][] rows = new float[28][];
        for (int y = 0; y < 28; y++) {
            rows[y] = Arrays.copyOfRange(flat, y * 28, y * 28 + 28);
        }
        return rows;
    }

    private static String instances(int count) {
        StringBuilder body = new StringBuilder("{\"instances\": [");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append(flat(0));
        }
        return body.append("]}").toString();
    }

    private static String flat(double value) {
        String number = value == 0 ? "0" : Double.toString(value);
        return "[" + (number + ",").repeat(783) + number + "]";
    }

    private static String flatWith(int index, String token) {
        List<String> values = new ArrayList<>(Collections.nCopies(784, "0.25"));
        values.set(index, token);
        return "[" + String.join(",", values) + "]";
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String json(Object value) {
        return JSON.writeValueAsString(value instanceof Map<?, ?> map ? new LinkedHashMap<>(map) : value);
    }
}
