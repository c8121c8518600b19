package com.trainingservice.inference;

import com.trainingservice.job.JobService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class InferenceConfiguration {

    @Bean
    PredictionService predictionService(JobService jobs, PredictProperties properties) {
        return new PredictionService(jobs, properties);
    }

    @Bean
    YoungGenerationCheck youngGenerationCheck() {
        return new YoungGenerationCheck();
    }
}
