package com.trainingservice.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.trainingservice.job.JobNotFoundException;
import com.trainingservice.job.JobService;
import com.trainingservice.job.JobState;
import com.trainingservice.web.ApiSliceTest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Every predict request publishes one outcome: {@link PredictionServed} with how it came in, or
 * {@link PredictionRejected} with the reason, also when it is refused before the controller is reached.
 */
@ApiSliceTest(ModelController.class)
@RecordApplicationEvents
class PredictionEventsTest {

    private static final String PREDICT = "/api/v1/models/{id}/predict";
    private static final UUID MODEL = UUID.fromString("6f1c2d3e-4b5a-4978-8a6b-5c4d3e2f1a0b");
    private static final UUID UNKNOWN = UUID.fromString("00000000-0000-4000-8000-000000000000");
    private static final UUID RUNNING = UUID.fromString("11111111-1111-4111-8111-111111111111");
    private static final UUID BROKEN = UUID.fromString("22222222-2222-4222-8222-222222222222");
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

    @Autowired
    ApplicationEvents events;

    @MockitoBean
    JobService jobs;

    @BeforeEach
    void jobs() {
        given(jobs.get(MODEL)).willReturn(TinyModel.jobView(MODEL, JobState.SUCCEEDED));
        given(jobs.modelArtifact(MODEL)).willReturn(Optional.of(TINY.artifact));
        given(jobs.get(RUNNING)).willReturn(TinyModel.jobView(RUNNING, JobState.RUNNING));
        given(jobs.get(UNKNOWN)).willThrow(new JobNotFoundException(UNKNOWN));
        given(jobs.get(BROKEN)).willThrow(new IllegalStateException("the store is broken"));
    }

    @Test
    void eachWayInIsServedWithItsInputAndInstanceCount() throws Exception {
        mvc.perform(post(PREDICT, MODEL).contentType(MediaType.APPLICATION_JSON).content(instances(3)))
                .andExpect(status().isOk());
        mvc.perform(post(PREDICT, MODEL).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"images\": [\"" + Base64.getEncoder().encodeToString(TINY.png(0)) + "\"]}"))
                .andExpect(status().isOk());
        mvc.perform(multipart(PREDICT, MODEL)
                        .file(new MockMultipartFile("image", "a.png", MediaType.IMAGE_PNG_VALUE, TINY.png(1)))
                        .file(new MockMultipartFile("image", "b.png", MediaType.IMAGE_PNG_VALUE, TINY.png(2))))
                .andExpect(status().isOk());
        mvc.perform(post(PREDICT, MODEL).contentType(MediaType.IMAGE_PNG).content(TINY.png(3)))
                .andExpect(status().isOk());

        List<PredictionServed> served = events.stream(PredictionServed.class).toList();
        assertThat(served).extracting(PredictionServed::input).containsExactly("instances", "images", "multipart", "body");
        assertThat(served).extracting(PredictionServed::instances).containsExactly(3, 1, 2, 1);
        assertThat(served).extracting(PredictionServed::modelId).containsOnly(MODEL);
        assertThat(served).allSatisfy(event -> assertThat(event.latency()).isPositive().isLessThan(Duration.ofMinutes(1)));
        assertThat(events.stream(PredictionRejected.class)).isEmpty();
    }

    @Test
    void eachErrorIsRejectedWithALowCardinalityReasonAndStillAnsweredByTheAdvice() throws Exception {
        mvc.perform(post(PREDICT, MODEL).contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isBadRequest());
        mvc.perform(post(PREDICT, "not-a-uuid").contentType(MediaType.APPLICATION_JSON).content(instances(1)))
                .andExpect(status().isBadRequest());
        mvc.perform(post(PREDICT, MODEL).contentType(MediaType.APPLICATION_JSON).content("{\"instances\": [[0.5"))
                .andExpect(status().isBadRequest());
        mvc.perform(post(PREDICT, UNKNOWN).contentType(MediaType.APPLICATION_JSON).content(instances(1)))
                .andExpect(status().isNotFound());
        mvc.perform(post(PREDICT, RUNNING).contentType(MediaType.APPLICATION_JSON).content(instances(1)))
                .andExpect(status().isConflict());
        mvc.perform(post(PREDICT, MODEL).contentType(MediaType.APPLICATION_JSON).content(instances(257)))
                .andExpect(status().is(413));
        mvc.perform(post(PREDICT, MODEL).contentType(MediaType.TEXT_PLAIN).content("hello"))
                .andExpect(status().isUnsupportedMediaType());
        mvc.perform(post(PREDICT, BROKEN).contentType(MediaType.APPLICATION_JSON).content(instances(1)))
                .andExpect(status().isInternalServerError());

        assertThat(events.stream(PredictionRejected.class).map(PredictionRejected::reason)).containsExactly(
                "invalid_input", "invalid_input", "invalid_input", "not_found", "not_ready", "too_large",
                "unsupported_media_type", "internal");
        assertThat(events.stream(PredictionServed.class)).isEmpty();
    }

    @Test
    void otherModelRequestsPublishNothing() throws Exception {
        mvc.perform(get("/api/v1/models/{id}", UNKNOWN)).andExpect(status().isNotFound());
        mvc.perform(get("/api/v1/models/{id}", MODEL)).andExpect(status().isOk());

        assertThat(events.stream(PredictionRejected.class)).isEmpty();
        assertThat(events.stream(PredictionServed.class)).isEmpty();
    }



    private static String instances(int count) {
        String one = "[" + "0,".repeat(783) + "0]";
        return "{\"instances\": [" + (one + ",").repeat(count - 1) + one + "]}";
    }
}
