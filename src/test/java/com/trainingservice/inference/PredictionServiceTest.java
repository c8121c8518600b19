package com.trainingservice.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import com.trainingservice.job.JobDeleted;
import com.trainingservice.job.JobNotFoundException;
import com.trainingservice.job.JobService;
import com.trainingservice.job.JobState;
import com.trainingservice.web.ApiProblem;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** When a loaded model's job is looked up: at load, then at most once per recheck interval. */
class PredictionServiceTest {

    private static final UUID MODEL = UUID.fromString("6f1c2d3e-4b5a-4978-8a6b-5c4d3e2f1a0b");
    private static final TinyModel TINY = TinyModel.get();

    private final JobService jobs = mock(JobService.class);
    private PredictRequest oneImage;

    @BeforeEach
    void aSucceededJob() {
        given(jobs.get(MODEL)).willReturn(TinyModel.jobView(MODEL, JobState.SUCCEEDED));
        given(jobs.modelArtifact(MODEL)).willReturn(Optional.of(TINY.artifact));
        oneImage = new PredictRequest(List.of(JsonMapper.builder().build().valueToTree(TINY.image(0))), null);
    }

    @Test
    void aLoadedModelPredictsWithoutADatabaseLookupWithinTheRecheckInterval() {
        PredictionService predictions = service(Duration.ofHours(1));

        for (int i = 0; i < 5; i++) {
            assertThat(predictions.predict(MODEL, oneImage)).hasSize(1);
        }

        verify(jobs, times(1)).get(MODEL);
        verify(jobs, times(1)).modelArtifact(MODEL);
    }

    @Test
    void aModelDeletedOnAnotherInstanceStopsPredictingAtTheNextRecheck() {
        PredictionService predictions = service(Duration.ZERO);
        assertThat(predictions.predict(MODEL, oneImage)).hasSize(1);

        given(jobs.get(MODEL)).willThrow(new JobNotFoundException(MODEL));

        assertThatThrownBy(() -> predictions.predict(MODEL, oneImage))
                .isInstanceOf(ApiProblem.class).hasMessageContaining("there is no model");
        // and it left the cache: the next request loads again, and finds nothing
        given(jobs.modelArtifact(MODEL)).willThrow(new JobNotFoundException(MODEL));
        assertThatThrownBy(() -> predictions.predict(MODEL, oneImage)).isInstanceOf(ApiProblem.class);
        verify(jobs, times(1)).modelArtifact(MODEL);
    }

    @Test
    void aDeleteOnThisInstanceEvictsAtOnce() {
        PredictionService predictions = service(Duration.ofHours(1));
        assertThat(predictions.predict(MODEL, oneImage)).hasSize(1);

        given(jobs.get(MODEL)).willThrow(new JobNotFoundException(MODEL));
        predictions.jobDeleted(new JobDeleted(MODEL));

        assertThatThrownBy(() -> predictions.predict(MODEL, oneImage))
                .isInstanceOf(ApiProblem.class).hasMessageContaining("there is no model");
    }

    private PredictionService service(Duration recheck) {
        return new PredictionService(jobs, new PredictProperties(256, 1 << 20, 4_000_000, 1, 4, recheck));
    }
}
