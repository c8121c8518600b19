package com.trainingservice.web;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.DeserializationFeature;

/** Part of the API contract, so set in code rather than left to configuration. */
@Configuration(proxyBeanMethods = false)
class JsonConfiguration {

    /** A misspelt field ("learningrate") is an error that names it, not a silently ignored value. */
    @Bean
    JsonMapperBuilderCustomizer rejectUnknownFields() {
        return builder -> builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
