package com.trainingservice.security;

import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * API-key authentication. With keys configured: every mutating call under /api/v1 (POST, PUT, PATCH, DELETE;
 * predict aside) and model downloads need a key, reads and predict only when {@code protect-reads} and
 * {@code protect-predict} say so; everything else (actuator health, info and prometheus, the API docs) stays
 * open. Without keys every endpoint is open, and a warning at start-up says so.
 * Stateless: no session, no CSRF token (no cookies to forge), no login form, no HTTP basic.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
@EnableWebSecurity // here, not left to Boot, so web slice tests get the same chain
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    ApiKeys apiKeys(SecurityProperties properties) {
        ApiKeys keys = ApiKeys.load(properties);
        if (keys.isEmpty()) {
            log.warn("no API keys configured: every endpoint is open; set training-service.security.api-keys "
                    + "(SHA-256 hashes: printf %s \"$KEY\" | sha256sum) or training-service.security.api-keys-file "
                    + "to require a key for submitting, cancelling and downloading models");
        } else {
            log.info("{} API key(s) configured: submit, cancel and model downloads need a key; reads {}, predict {}",
                    keys.size(), properties.protectReads() ? "too" : "open", properties.protectPredict() ? "too" : "open");
        }
        return keys;
    }

    /** The filter authenticates keys itself; this bean only keeps Boot from creating a user with a generated password. */
    @Bean
    AuthenticationManager noPasswordLogins() {
        return authentication -> {
            throw new ProviderNotFoundException("only API keys authenticate");
        };
    }

    @Bean
    HttpFirewall httpFirewall() {
        return new ApiFirewall();
    }

    /** What the firewall still refuses (';', '//', '%25', '\\', control characters) is a 400 problem, like any bad request. */
    @Bean
    RequestRejectedHandler problemForRejectedRequests(JsonMapper json) {
        ProblemWriter problems = new ProblemWriter(json);
        return (request, response, rejected) -> problems.write(request, response, HttpStatus.BAD_REQUEST,
                "Invalid request", "path", "the request was refused: its path or a header holds characters the "
                        + "service does not accept (';', '//', an encoded '%', '\\' or control characters)");
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeys keys, SecurityProperties properties, JsonMapper json)
            throws Exception {
        ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(new ProblemWriter(json));
        http.csrf(csrf -> csrf.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint));
        if (keys.isEmpty()) {
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
            return http.build();
        }
        http.addFilterBefore(new ApiKeyAuthenticationFilter(keys, entryPoint), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> {
                    // the request itself was authorized; its async (event stream) and error dispatches follow it
                    requests.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll();
                    requests.requestMatchers("/api/v1/models/*/artifact").authenticated();
                    var predict = requests.requestMatchers(HttpMethod.POST, "/api/v1/models/*/predict");
                    if (properties.protectPredict()) {
                        predict.authenticated();
                    } else {
                        predict.permitAll();
                    }
                    for (HttpMethod read : new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS}) {
                        var reads = requests.requestMatchers(read, "/api/v1/**");
                        if (properties.protectReads()) {
                            reads.authenticated();
                        } else {
                            reads.permitAll();
                        }
                    }
                    // every other method changes something: POST, PUT, PATCH, DELETE
                    requests.requestMatchers("/api/v1/**").authenticated();
                    requests.anyRequest().permitAll();
                });
        return http.build();
    }
}
