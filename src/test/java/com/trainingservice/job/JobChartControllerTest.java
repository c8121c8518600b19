package com.trainingservice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingSpec;
import com.trainingservice.training.Variant;
import com.trainingservice.web.ApiSliceTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** GET /api/v1/jobs/{id}/chart.svg over HTTP, with the service mocked. */
@ApiSliceTest(JobController.class)
class JobChartControllerTest {

    private static final String CHART = "/api/v1/jobs/{id}/chart.svg";
    private static final MediaType SVG = MediaType.parseMediaType("image/svg+xml");
    private static final UUID ID = UUID.fromString("0b5d6c1e-8f7a-4c3b-9d2e-1a2b3c4d5e6f");

    @Autowired
    MockMvc mvc;

    @MockitoBean
    JobService jobs;

    @Test
    void answersTheSvgOfTheFinishedEpochs() throws Exception {
        given(jobs.get(ID)).willReturn(view(JobState.RUNNING));
        given(jobs.metrics(ID)).willReturn(List.of(new EpochMetrics(1, 0.9, 0.6, 0.65, 5000, 12.5),
                new EpochMetrics(2, 0.5, 0.8, 0.82, 5100, 12.1)));

        String svg = mvc.perform(get(CHART, ID))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(SVG))
                .andExpect(header().string("Cache-Control", "no-cache"))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);

        assertThat(svg).startsWith("<?xml").contains("<svg xmlns=\"http://www.w3.org/2000/svg\"")
                .contains(ID.toString()).contains("lenet-bn (2 of 5 epochs)");
        assertThat(svg.split("<polyline", -1)).hasSize(4);
    }

    @Test
    void aJobWithoutAFinishedEpochGetsAChartSayingSo() throws Exception {
        given(jobs.get(ID)).willReturn(view(JobState.QUEUED));
        given(jobs.metrics(ID)).willReturn(List.of());

        mvc.perform(get(CHART, ID).accept(SVG))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(SVG))
                .andExpect(content().string(org.hamcrest.Matchers.containsString(JobChart.NO_EPOCH)));
    }

    @Test
    void anUnknownJobIsA404Problem() throws Exception {
        given(jobs.get(ID)).willThrow(new JobNotFoundException(ID));

        for (MediaType accept : List.of(MediaType.ALL, SVG)) {
            mvc.perform(get(CHART, ID).accept(accept))
                    .andExpect(status().isNotFound())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.title").value("Job not found"))
                    .andExpect(jsonPath("$.detail").value("no job with id " + ID));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyz", "0b5d6c1e-8f7a-4c3b-9d2e-1a2b3c4d5e6f0", "%00"})
    void aMalformedIdIsA400Problem(String id) throws Exception {
        mvc.perform(get(URI.create("/api/v1/jobs/" + id + "/chart.svg")))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[0].field").value("id"))
                .andExpect(jsonPath("$.errors[0].reason").value("must be a job id (UUID)"));
        verifyNoInteractions(jobs);
    }

    private static JobView view(JobState state) {
        TrainingSpec spec = new TrainingSpec(Variant.LENET_BN, 0.9, 5, 256, 42L, 6000);
        return new JobView(ID, state, spec, new JobView.Progress(0, 5, 0.0), null, null,
                Instant.parse("2025-01-02T03:04:05Z"), null, null, null);
    }
}
