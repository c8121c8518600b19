package com.trainingservice.inference;

import com.trainingservice.job.JobNotFoundException;
import com.trainingservice.job.JobDeleted;
import com.trainingservice.job.JobService;
import org.springframework.context.event.EventListener;
import com.trainingservice.job.JobState;
import com.trainingservice.job.JobView;
import com.trainingservice.training.data.FashionMnist;
import com.trainingservice.web.ApiProblem;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Predicts with the model of a SUCCEEDED job, from pixel arrays or encoded images. */
public class PredictionService {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final JobService jobs;
    private final ModelCache cache;
    private final ImagePreprocessor images;
    private final PredictProperties properties;

    PredictionService(JobService jobs, PredictProperties properties) {
        this.jobs = jobs;
        this.properties = properties;
        this.cache = new ModelCache(properties.cachedModels());
        this.images = new ImagePreprocessor(properties.maxImageBytes(), properties.maxImagePixels());
    }

    /** A deleted job's model leaves memory at once here; other instances see it gone at their next recheck. */
    @EventListener
    void jobDeleted(JobDeleted event) {
        cache.evict(event.jobId());
    }

    /** The job behind a model, which must have SUCCEEDED. */
    JobView model(UUID id) {
        JobView job;
        try {
            job = jobs.get(id);
        } catch (JobNotFoundException e) {
            throw ApiProblem.notFound("id", "there is no model " + id + ": no job has this id");
        }
        if (job.state() != JobState.SUCCEEDED) {
            throw ApiProblem.conflict("id", "job " + id + " is " + job.state() + "; it has a model once it has SUCCEEDED");
        }
        return job;
    }

    byte[] artifact(UUID id) {
        model(id);
        return jobs.modelArtifact(id).orElseThrow(
                () -> ApiProblem.notFound("id", "job " + id + " has SUCCEEDED but its model is not stored"));
    }

    List<Prediction> predict(UUID id, PredictRequest request) {
        boolean hasInstances = request.instances() != null && !request.instances().isEmpty();
        boolean hasImages = request.images() != null && !request.images().isEmpty();
        if (hasInstances == hasImages) {
            throw ApiProblem.badRequest(hasInstances ? "images" : "instances",
                    "send either a non-empty 'instances' or a non-empty 'images', not both");
        }
        if (hasInstances) {
            checkCount("instances", request.instances().size());
            return predict(id, InstanceParser.parse(request.instances()));
        }
        checkCount("images", request.images().size());
        List<byte[]> decoded = new ArrayList<>();
        for (int i = 0; i < request.images().size(); i++) {
            String base64 = request.images().get(i);
            try {
                // the MIME decoder would skip any character outside the alphabet: only line breaks and spaces may go
                decoded.add(Base64.getDecoder().decode(base64 == null ? ""
                        : WHITESPACE.matcher(stripDataUrl(base64)).replaceAll("")));
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("images[" + i + "]", "is not valid base64: " + e.getMessage());
            }
        }
        return predictImages(id, decoded, "images");
    }

    /** @param field how the request named the images, for errors */
    List<Prediction> predictImages(UUID id, List<byte[]> encoded, String field) {
        checkCount(field, encoded.size());
        float[][] pixels = new float[encoded.size()][];
        for (int i = 0; i < encoded.size(); i++) {
            try {
                pixels[i] = images.toPixels(encoded.get(i));
            } catch (ImagePreprocessor.InvalidImageException e) {
                throw ApiProblem.badRequest(encoded.size() == 1 && !field.equals("images") ? field : field + "[" + i + "]",
                        e.getMessage());
            }
        }
        return predict(id, pixels);
    }

    private List<Prediction> predict(UUID id, float[][] pixels) {
        LoadedModel model = cache.get(id, modelId -> new LoadedModel(artifact(modelId),
                properties.effectiveNetworksPerModel()));
        // a loaded model's job is looked up again now and then, not on every request: a database round trip (and a
        // wait behind a training job's checkpoint write) per prediction was a large share of predict latency
        if (model.checkedBefore(System.nanoTime() - properties.modelRecheckInterval().toNanos())) {
            try {
                model(id);
            } catch (RuntimeException deletedElsewhere) {
                cache.evict(id);
                throw deletedElsewhere;
            }
            model.checked(System.nanoTime());
        }
        float[][] probabilities = model.predict(pixels);
        List<Prediction> predictions = new ArrayList<>(probabilities.length);
        for (float[] row : probabilities) {
            int best = 0;
            List<Float> values = new ArrayList<>(row.length);
            for (int c = 0; c < row.length; c++) {
                values.add(row[c]);
                if (row[c] > row[best]) {
                    best = c;
                }
            }
            predictions.add(new Prediction(FashionMnist.CLASS_NAMES.get(best), best, values));
        }
        return predictions;
    }

    private void checkCount(String field, int count) {
        if (count > properties.maxInstances()) {
            throw ApiProblem.payloadTooLarge(field, "at most " + properties.maxInstances() + " per request, got " + count);
        }
    }

    /** Accepts "data:image/png;base64,..." as browsers produce it. */
    private static String stripDataUrl(String base64) {
        int comma = base64.indexOf(',');
        return base64.startsWith("data:") && comma > 0 ? base64.substring(comma + 1) : base64;
    }
}
