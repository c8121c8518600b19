package com.trainingservice.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;

/** Binds the record the way Spring Boot does, without starting a context. */
class DatasetPropertiesTest {

    private static DatasetProperties bind(Map<String, String> properties) {
        Binder binder = new Binder(List.of(new MapConfigurationPropertySource(properties)), null,
                ApplicationConversionService.getSharedInstance());
        return binder.bindOrCreate("training-service.dataset", DatasetProperties.class);
    }

    @Test
    void defaultsWhenNothingIsConfigured() {
        DatasetProperties properties = bind(Map.of());

        assertThat(properties).isEqualTo(DatasetProperties.defaults());
        assertThat(properties.directory()).isNull();
        assertThat(properties.cacheDirectory()).isEqualTo(Path.of("data/fashion-mnist"));
        assertThat(properties.warmUp()).isTrue();
        assertThat(properties.download().enabled()).isTrue();
        assertThat(properties.download().baseUrl())
                .isEqualTo(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"));
        assertThat(properties.download().timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(properties.download().md5()).isEqualTo(FashionMnistFiles.PUBLISHED_MD5);
    }

    @Test
    void partialDownloadSettingsKeepTheOtherDefaults() {
        DatasetProperties properties = bind(Map.of(
                "training-service.dataset.directory", "/srv/fashion",
                "training-service.dataset.download.timeout", "30s",
                "training-service.dataset.download.md5[train-images-idx3-ubyte.gz]", "0123456789abcdef0123456789abcdef"));

        assertThat(properties.directory()).isEqualTo(Path.of("/srv/fashion"));
        assertThat(properties.download().enabled()).isTrue();
        assertThat(properties.download().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.download().baseUrl()).isEqualTo(DatasetProperties.Download.DEFAULT_BASE_URL);
        assertThat(properties.download().md5())
                .containsEntry(FashionMnistFiles.TRAIN_IMAGES, "0123456789abcdef0123456789abcdef")
                .containsEntry(FashionMnistFiles.TEST_LABELS, "bb300cfdad3c16e7a12a480ee83cd310")
                .hasSize(4);
    }

    @Test
    void downloadAndWarmUpCanBeSwitchedOff() {
        DatasetProperties properties = bind(Map.of(
                "training-service.dataset.download.enabled", "false",
                "training-service.dataset.warm-up", "false",
                "training-service.dataset.cache-directory", "/var/cache/fashion"));

        assertThat(properties.download().enabled()).isFalse();
        assertThat(properties.warmUp()).isFalse();
        assertThat(properties.cacheDirectory()).isEqualTo(Path.of("/var/cache/fashion"));
    }
}
