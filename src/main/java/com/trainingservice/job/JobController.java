package com.trainingservice.job;

import com.trainingservice.training.EpochMetrics;
import com.trainingservice.training.TrainingSpec;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

@Tag(name = "jobs", description = "Submit, follow and cancel training jobs")
@RestController
@RequestMapping(path = "/api/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
class JobController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final JobService jobs;

    JobController(JobService jobs) {
        this.jobs = jobs;
    }

    @Operation(summary = "Submit a training job", description = "Answers 202 with the QUEUED job; 429 with Retry-After "
            + "when the queue is full or the caller's API key has as many queued jobs as one may have. With an "
            + "Idempotency-Key header, sending the same request again answers 200 with the job the first one created "
            + "(422 when the key was used for another request).")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> submit(@Valid @RequestBody TrainingSpec spec,
                                   @Parameter(description = "the client's key for this submission (1-255 printable ASCII "
                                           + "characters): retrying with it never creates a second job")
                                   @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey,
                                   @Parameter(hidden = true) Principal caller) {
        if (idempotencyKey != null && !VALID_KEY.matcher(idempotencyKey).matches()) {
            throw new InvalidJobRequestException(IDEMPOTENCY_KEY, "must be 1 to 255 printable ASCII characters");
        }
        JobService.Submission submission = jobs.submit(spec, caller == null ? Job.ANONYMOUS : caller.getName(),
                idempotencyKey);
        JobView job = submission.job();
        return (submission.created() ? ResponseEntity.accepted() : ResponseEntity.ok())
                .location(URI.create("/api/v1/jobs/" + job.id())).body(job);
    }

    @Operation(summary = "Delete an ended job", description = "Removes a SUCCEEDED, FAILED or CANCELLED job with its "
            + "metrics, checkpoint and model (204). 409 for a job that is queued or running: cancel it first.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        jobs.delete(id);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "List jobs, newest first")
    @GetMapping
    JobPage list(@RequestParam(required = false) JobState state,
                 @RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
                 @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        return jobs.list(state, page, size);
    }

    @Operation(summary = "One job: state, progress, latest metrics, result")
    @GetMapping("/{id}")
    JobView get(@Parameter(description = "job id (UUID)") @PathVariable UUID id) {
        return jobs.get(id);
    }

    @Operation(summary = "Every finished epoch of a job")
    @GetMapping("/{id}/metrics")
    MetricsView metrics(@PathVariable UUID id) {
        return new MetricsView(id, jobs.metrics(id));
    }

    @Operation(summary = "A job's training curves as SVG",
            description = "Train loss, train accuracy and test accuracy per finished epoch (the plot d2l draws); "
                    + "a job without a finished epoch gets a chart saying so.")
    @GetMapping(path = "/{id}/chart.svg", produces = JobChart.MEDIA_TYPE)
    ResponseEntity<byte[]> chart(@PathVariable UUID id) {
        JobView job = jobs.get(id);
        List<EpochMetrics> epochs = jobs.metrics(id);
        String svg = JobChart.render(id, job.spec().variant().id(), job.spec().epochs(), epochs);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(JobChart.MEDIA_TYPE))
                .cacheControl(CacheControl.noCache())
                .body(svg.getBytes(StandardCharsets.UTF_8));
    }

    @Operation(summary = "Follow a job live (server-sent events)",
            description = "An `epoch` event per finished epoch and a `state` event per state change; the stream ends with the job. Try `curl -N`.")
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable UUID id) {
        return jobs.events(id);
    }

    @Operation(summary = "Cancel a job", description = "A queued job leaves the queue at once; a running one stops before its next minibatch. 409 when the job has ended.")
    @PostMapping("/{id}/cancel")
    ResponseEntity<JobView> cancel(@PathVariable UUID id) {
        return ResponseEntity.accepted().body(jobs.cancel(id));
    }

    record MetricsView(UUID jobId, List<EpochMetrics> epochs) {
    }
}
