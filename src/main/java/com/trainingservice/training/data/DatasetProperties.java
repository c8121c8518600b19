package com.trainingservice.training.data;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the Fashion-MNIST files are found, and how they are downloaded when they are not.
 * Unset values get their defaults in the constructors, so plain Java code can pass {@code null} too.
 *
 * @param directory      a directory holding the four .gz files, searched first; optional
 * @param cacheDirectory searched last, and where downloads go; default {@code ./data/fashion-mnist}
 * @param download       how to download the files when no directory holds all four
 * @param warmUp         whether to start loading in the background once the application is ready; default true
 */
@ConfigurationProperties("training-service.dataset")
@Validated
public record DatasetProperties(
        Path directory,
        @NotNull Path cacheDirectory,
        @NotNull @Valid Download download,
        @DefaultValue("true") boolean warmUp) {

    public static final Path DEFAULT_CACHE_DIRECTORY = Path.of("data", "fashion-mnist");

    public DatasetProperties {
        cacheDirectory = cacheDirectory != null ? cacheDirectory : DEFAULT_CACHE_DIRECTORY;
        download = download != null ? download : Download.defaults();
    }

    /** Defaults everywhere: no configured directory, download enabled, warm-up on. */
    public static DatasetProperties defaults() {
        return new DatasetProperties(null, null, null, true);
    }

    /**
     * @param enabled whether missing files are downloaded; default true
     * @param baseUrl the file names are resolved against it; default the official site
     * @param timeout the longest one file's download may take; default 5 minutes
     * @param md5     expected MD5 (hex) per file name; given entries override the published checksums. Keys
     *                hold dots, so in properties they need brackets: {@code md5[train-images-idx3-ubyte.gz]=...}
     */
    public record Download(
            @DefaultValue("true") boolean enabled,
            @NotNull URI baseUrl,
            @NotNull Duration timeout,
            Map<String, String> md5) {

        public static final URI DEFAULT_BASE_URL = URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");
        public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

        public Download {
            baseUrl = baseUrl != null ? baseUrl : DEFAULT_BASE_URL;
            timeout = timeout != null ? timeout : DEFAULT_TIMEOUT;
            Map<String, String> checksums = new HashMap<>(FashionMnistFiles.PUBLISHED_MD5);
            if (md5 != null) {
                checksums.putAll(md5);
            }
            md5 = Map.copyOf(checksums);
        }

        public static Download defaults() {
            return new Download(true, null, null, null);
        }
    }
}
