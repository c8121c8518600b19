package com.trainingservice.security;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the API. With no key configured (neither {@code apiKeys} nor {@code apiKeysFile}) every endpoint
 * is open.
 *
 * @param apiKeys SHA-256 hashes of the API keys, 64 hex digits each ({@code printf %s "$KEY" | sha256sum}); never
 *                the keys themselves. Checked at start-up; the message names the entry, never its value
 * @param apiKeysFile a file with more hashes, one a line; blank lines and {@code #} comments are skipped (a mounted
 *                    secret); null: none
 * @param protectReads GET endpoints under /api/v1 (jobs, metrics, events, chart, models) need a key too
 * @param protectPredict the predict endpoint needs a key too
 * @param maxQueuedJobsPerKey QUEUED jobs one key (or every anonymous caller together, in open mode) may have; one
 *                            more is answered 429. 0: no limit
 */
@Validated
@ConfigurationProperties("training-service.security")
public record SecurityProperties(
        @DefaultValue @NotNull List<String> apiKeys,
        Path apiKeysFile,
        @DefaultValue("false") boolean protectReads,
        @DefaultValue("false") boolean protectPredict,
        @DefaultValue("10") @Min(0) @Max(100_000) int maxQueuedJobsPerKey) {
}
