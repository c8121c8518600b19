package com.trainingservice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.job.JobAttemptEnded;
import com.trainingservice.job.JobEnded;
import com.trainingservice.job.JobEpochFinished;
import com.trainingservice.job.JobStarted;
import com.trainingservice.job.JobState;
import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.Variant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;

/** The whole service: the meters are in /actuator/prometheus under the names the dashboard uses, and move. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "training-service.dataset.warm-up=false",
        "spring.datasource.url=jdbc:h2:mem:prometheus-test;DB_CLOSE_DELAY=-1"})
class PrometheusEndpointTest {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationEventPublisher publisher;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesEveryMetricNameFromTheStart() throws Exception {
        String text = scrape();

        assertThat(text).contains(
                "training_jobs_submitted_total{",
                "training_jobs_finished_total{",
                "training_jobs_queued ",
                "training_jobs_running ",
                "training_job_duration_seconds_bucket{",
                "training_epoch_duration_seconds_bucket{",
                "training_examples_total{",
                "predict_requests_total{",
                "predict_instances_total ",
                "predict_latency_seconds_bucket{",
                "predict_errors_total{",
                "javacpp_memory_physical_bytes ",
                "javacpp_memory_total_bytes ",
                "javacpp_memory_max_bytes ",
                "javacpp_memory_max_physical_bytes ",
                "jvm_memory_used_bytes{");
        assertThat(text).contains(
                "training_jobs_submitted_total{variant=\"lenet-bn-scratch\"} 0.0",
                "training_jobs_finished_total{state=\"CANCELLED\",variant=\"lenet\"} 0.0",
                "training_job_duration_seconds_bucket{state=\"SUCCEEDED\",variant=\"lenet-bn\",le=\"28800.0\"} 0",
                "training_epoch_duration_seconds_bucket{variant=\"lenet-bn\",le=\"3600.0\"} 0",
                "predict_requests_total{input=\"multipart\"} 0.0",
                "predict_errors_total{reason=\"unsupported_media_type\"} 0.0",
                "predict_latency_seconds_bucket{le=\"0.001\"} 0");
    }

    @Test
    void eventsOfTheRunningServiceMoveTheMeters() throws Exception {
        String oneInstance = "{\"instances\": [[" + "0,".repeat(783) + "0]]}";
        HttpRequest predictUnknown = HttpRequest.newBuilder(uri("/api/v1/models/" + UUID.randomUUID() + "/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(oneInstance)).build();
        HttpResponse<String> unknown = http.send(predictUnknown, HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        UUID job = UUID.randomUUID();
        publisher.publishEvent(new JobStarted(job, Variant.LENET, "cuda:1"));
        publisher.publishEvent(new JobEpochFinished(job, Variant.LENET, new EpochMetrics(1, 0.5, 0.8, 0.75, 1234, 20)));

        String running = scrape();
        assertThat(running).contains("predict_errors_total{reason=\"not_found\"} 1.0",
                "training_job_test_accuracy{device=\"cuda:1\",job_id=\"" + job + "\",variant=\"lenet\"} 0.75",
                "training_job_epoch{device=\"cuda:1\",job_id=\"" + job + "\",variant=\"lenet\"} 1.0",
                "training_examples_per_second{device=\"cuda:1\",variant=\"lenet\"} 1234.0");

        publisher.publishEvent(new JobEnded(job, Variant.LENET, JobState.SUCCEEDED, Duration.ofSeconds(21)));
        publisher.publishEvent(new JobAttemptEnded(job, Variant.LENET));
        String ended = scrape();
        assertThat(ended).doesNotContain(job.toString())
                .contains("training_jobs_finished_total{state=\"SUCCEEDED\",variant=\"lenet\"} 1.0",
                        "training_job_duration_seconds_bucket{state=\"SUCCEEDED\",variant=\"lenet\",le=\"30.0\"} 1");
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
