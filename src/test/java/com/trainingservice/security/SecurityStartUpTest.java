package com.trainingservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import tools.jackson.databind.json.JsonMapper;

/** A bad key setting stops the service at start-up, saying where, never what. */
class SecurityStartUpTest {

    private static final String KEY = "k3y-0f-the-test-5d1c0a8e";
    private static final String HASH = "8d074b4462931f8b6a8880a468e889d25983c09ffec721468a0f97e57fb40394";

    @TempDir
    Path dir;

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withUserConfiguration(SecurityConfiguration.class)
            .withBean(JsonMapper.class, () -> JsonMapper.builder().build());

    @Test
    void aMalformedLineInTheKeyFileIsAStartUpErrorNamingFileAndLine() throws Exception {
        Path file = Files.writeString(dir.resolve("api-keys"), HASH + "\n\n" + KEY + "\n");
        runner.withPropertyValues("training-service.security.api-keys-file=" + file).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("API key file " + file + ", line 3")
                    .hasMessageNotContaining(KEY);
        });
    }

    @Test
    void aGoodKeyFileStarts() throws Exception {
        Path file = Files.writeString(dir.resolve("api-keys"), "# one key\n" + HASH + "\n");
        runner.withPropertyValues("training-service.security.api-keys-file=" + file)
                .run(context -> assertThat(context.getBean(ApiKeys.class).identify(KEY)).contains("8d074b446293"));
    }

    @Test
    void aNegativeQueueLimitIsAStartUpError() {
        runner.withPropertyValues("training-service.security.max-queued-jobs-per-key=-1")
                .run(context -> assertThat(context).hasFailed());
    }
}
