package com.trainingservice.training;

import com.trainingservice.training.data.FashionMnistProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TrainingConfiguration {

    @Bean
    Trainer trainer(FashionMnistProvider dataSet, TrainingProperties properties) {
        return new Trainer(dataSet::get, properties);
    }
}
