package com.trainingservice.training;

import com.trainingservice.training.data.FashionMnistProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TrainingConfiguration {

    @Bean
    DevicePool devicePool(BackendInfoProvider backend) {
        return backend.devicePool();
    }

    @Bean
    TrainingThreads trainingThreads(TrainingProperties properties) {
        return new TrainingThreads(properties);
    }

    @Bean
    Trainer trainer(FashionMnistProvider dataSet, TrainingProperties properties, DevicePool devices) {
        return new Trainer(dataSet::get, properties, devices);
    }
}
