package com.trainingservice.web;

import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/** Part of the API contract, so set in code rather than left to configuration (but for the size limits). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebProperties.class)
class JsonConfiguration {

    /** Longest number, in characters: far beyond any field's range, short of costly big-number parsing. */
    static final int MAX_NUMBER_LENGTH = 100;

    /** A misspelt field ("learningrate") is an error that names it, not a silently ignored value. */
    @Bean
    JsonMapperBuilderCustomizer rejectUnknownFields() {
        return builder -> builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * A value is taken as the client wrote it or refused, never guessed at: a key given twice, a number
     * sent as a string ({@code "epochs": "5"}), a fraction for an integer ({@code "epochs": 2.5}, which
     * Jackson would truncate), and anything after the JSON value are errors.
     */
    @Bean
    JsonMapperBuilderCustomizer strictValues() {
        return builder -> builder
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Integer, config -> config
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Float, config -> config
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, config -> config
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Textual, config -> config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    /**
     * The JSON mapper's builder, as Boot's auto-configuration makes it (every {@link JsonMapperBuilderCustomizer}
     * applied in order), but on a parser factory with the size limits: a JsonMapperBuilderCustomizer cannot set
     * them, because Jackson 3 keeps StreamReadConstraints in the immutable JsonFactory the builder is made with.
     * A body nested deeper than the limit is a parse error (400), never a deep recursion.
     */
    @Bean
    @Scope("prototype")
    JsonMapper.Builder constrainedJsonMapperBuilder(WebProperties web, List<JsonMapperBuilderCustomizer> customizers) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(constraints(web))
                .build();
        JsonMapper.Builder builder = JsonMapper.builder(factory);
        customizers.forEach(customizer -> customizer.customize(builder));
        return builder;
    }

    static StreamReadConstraints constraints(WebProperties web) {
        int longest = (int) Math.min(Integer.MAX_VALUE, web.maxBodyBytes());
        return StreamReadConstraints.builder()
                .maxNestingDepth(web.maxJsonNestingDepth())
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxStringLength(longest)
                .maxDocumentLength(web.maxBodyBytes())
                .build();
    }
}
