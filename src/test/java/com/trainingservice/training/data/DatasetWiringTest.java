package com.trainingservice.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The beans wire up from properties alone, and nothing is loaded while the context starts. */
class DatasetWiringTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DatasetProperties.class)
    @Import({DatasetConfiguration.class, FashionMnistProvider.class})
    static class DatasetBeans {
    }

    @Test
    void providerIsWiredAndLoadsNothingAtStartUp() {
        new ApplicationContextRunner()
                .withUserConfiguration(DatasetBeans.class)
                .withPropertyValues("training-service.dataset.download.enabled=false",
                        "training-service.dataset.warm-up=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DatasetProperties.class).download().enabled()).isFalse();
                    assertThat(context).hasSingleBean(FashionMnistLoader.class);
                    assertThat(context.getBean(FashionMnistProvider.class).isLoaded()).isFalse();
                });
    }
}
