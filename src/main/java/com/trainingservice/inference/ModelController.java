package com.trainingservice.inference;

import com.trainingservice.job.JobService;
import com.trainingservice.job.JobView;
import com.trainingservice.training.TrainingSpec;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@Tag(name = "models", description = "Trained models: list, download, predict")
@RestController
@RequestMapping(path = "/api/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
class ModelController {

    private final JobService jobs;
    private final PredictionService predictions;
    private final ApplicationEventPublisher publisher;

    ModelController(JobService jobs, PredictionService predictions, ApplicationEventPublisher publisher) {
        this.jobs = jobs;
        this.predictions = predictions;
        this.publisher = publisher;
    }

    /** A trained model; its id is the id of the job that trained it. */
    record ModelView(UUID id, TrainingSpec spec, double testAccuracy, Instant trainedAt, String artifact, String predict) {

        static ModelView of(JobView job) {
            String self = "/api/v1/models/" + job.id();
            return new ModelView(job.id(), job.spec(), job.result().testAccuracy(), job.finishedAt(),
                    self + "/artifact", self + "/predict");
        }
    }

    record ModelPage(List<ModelView> items, int page, int size, long totalItems) {
    }

    record PredictResponse(UUID modelId, List<Prediction> predictions) {
    }

    @Operation(summary = "List trained models, newest first")
    @GetMapping
    ModelPage list(@RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
                   @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        return new ModelPage(jobs.withModels(page, size).stream().map(ModelView::of).toList(), page, size,
                jobs.countWithModels());
    }

    @Operation(summary = "The model of a SUCCEEDED job")
    @GetMapping("/{id}")
    ModelView get(@PathVariable UUID id) {
        return ModelView.of(predictions.model(id));
    }

    @Operation(summary = "Download the model (a DL4J model zip, ModelSerializer.restoreMultiLayerNetwork reads it)")
    @GetMapping(path = "/{id}/artifact", produces = {"application/zip", MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<byte[]> artifact(@PathVariable UUID id) {
        byte[] zip = predictions.artifact(id);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename("model-" + id + ".zip").build().toString())
                .body(zip);
    }

    @Operation(summary = "Predict from pixel arrays or base64 images (JSON)",
            description = "Up to 256 instances or images a request. Images of any size and colour are turned into 28x28 grey like the training data.")
    @PostMapping(path = "/{id}/predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    PredictResponse predict(@PathVariable UUID id, @RequestBody PredictRequest request) {
        String input = request.instances() != null && !request.instances().isEmpty()
                ? PredictionServed.INSTANCES : PredictionServed.IMAGES;
        return served(id, input, () -> predictions.predict(id, request));
    }

    @Operation(summary = "Predict from uploaded image files (multipart part 'image', repeatable)")
    @PostMapping(path = "/{id}/predict", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    PredictResponse predictUpload(@PathVariable UUID id, @RequestParam("image") List<MultipartFile> files) {
        return served(id, PredictionServed.MULTIPART, () -> {
            List<byte[]> images = new ArrayList<>(files.size());
            for (MultipartFile file : files) {
                images.add(bytes(file));
            }
            return predictions.predictImages(id, images, "image");
        });
    }

    @Operation(summary = "Predict from one image sent as the body (Content-Type image/png or image/jpeg)")
    @PostMapping(path = "/{id}/predict", consumes = {MediaType.IMAGE_PNG_VALUE, MediaType.IMAGE_JPEG_VALUE})
    PredictResponse predictImage(@PathVariable UUID id, @RequestBody byte[] image) {
        return served(id, PredictionServed.BODY, () -> predictions.predictImages(id, List.of(image), "body"));
    }

    /**
     * Times a predict call and publishes a {@link PredictionServed} when it answers; an error goes on to the
     * web advice unchanged ({@link PredictRejectionFilter} counts it by the status the client gets).
     */
    private PredictResponse served(UUID id, String input, Supplier<List<Prediction>> predict) {
        long start = System.nanoTime();
        List<Prediction> answer = predict.get();
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        PredictEvents.publish(publisher, new PredictionServed(id, input, answer.size(), latency));
        return new PredictResponse(id, answer);
    }

    private static byte[] bytes(MultipartFile file) {
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
