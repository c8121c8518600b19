package com.trainingservice.training.data;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain-Java loader from the bound {@link DatasetProperties}. */
@Configuration(proxyBeanMethods = false)
public class DatasetConfiguration {

    @Bean
    public FashionMnistLoader fashionMnistLoader(DatasetProperties properties) {
        return new FashionMnistLoader(properties);
    }
}
