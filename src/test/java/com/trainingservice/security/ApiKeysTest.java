package com.trainingservice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Loading hashes from the settings and a key file, and recognising keys by them. */
class ApiKeysTest {

    private static final String KEY = "k3y-0f-the-test-5d1c0a8e";
    /** printf %s k3y-0f-the-test-5d1c0a8e | sha256sum */
    private static final String HASH = "8d074b4462931f8b6a8880a468e889d25983c09ffec721468a0f97e57fb40394";
    private static final String OTHER_HASH = "57fb39f8365abe854d05aeda57720d4d1033ef9e0b7dbfe9de368879d5691c8c";

    @TempDir
    Path dir;

    private static SecurityProperties properties(List<String> keys, Path file) {
        return new SecurityProperties(keys, file, false, false, 10);
    }

    @Test
    void hashIsWhatSha256sumPrints() {
        assertThat(ApiKeys.hash(KEY)).isEqualTo(HASH);
    }

    @Test
    void aKeyIsKnownByTheFirst12HexDigitsOfItsHash() {
        ApiKeys keys = ApiKeys.load(properties(List.of(OTHER_HASH, HASH.toUpperCase()), null));
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.identify(KEY)).contains("8d074b446293");
        assertThat(keys.identify(KEY + " ")).isEmpty();
        assertThat(keys.identify("")).isEmpty();
        assertThat(keys.identify(null)).isEmpty();
        assertThat(keys.identify(HASH)).as("the hash is not the key").isEmpty();
        assertThat(keys.identify("x".repeat(ApiKeys.MAX_KEY_LENGTH + 1))).isEmpty();
    }

    @Test
    void noKeysConfiguredIsEmpty() {
        assertThat(ApiKeys.load(properties(List.of(), null)).isEmpty()).isTrue();
    }

    @Test
    void aPlainKeyInTheSettingsIsAStartUpErrorNamingTheEntryNotTheValue() {
        assertThatThrownBy(() -> ApiKeys.load(properties(List.of(HASH, KEY), null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("training-service.security.api-keys[1]")
                .hasMessageContaining("sha256sum")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void theKeyFileHasOneHashALineWithCommentsAndBlankLines() throws Exception {
        Path file = Files.writeString(dir.resolve("api-keys"), """
                # operators' keys

                %s   # alice
                  %s
                # the end
                """.formatted(HASH, OTHER_HASH.toUpperCase()));
        ApiKeys keys = ApiKeys.load(properties(List.of(), file));
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.identify(KEY)).contains("8d074b446293");
    }

    @Test
    void keysFromTheSettingsAndTheFileAddUp() throws Exception {
        Path file = Files.writeString(dir.resolve("api-keys"), HASH + "\n");
        assertThat(ApiKeys.load(properties(List.of(OTHER_HASH), file)).size()).isEqualTo(2);
    }

    @Test
    void aMalformedLineIsAStartUpErrorNamingTheFileAndTheLineNotTheValue() throws Exception {
        Path file = Files.writeString(dir.resolve("api-keys"), "# keys\n" + HASH + "\n" + KEY + "\n");
        assertThatThrownBy(() -> ApiKeys.load(properties(List.of(), file)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 3")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void aMissingFileIsAStartUpErrorNamingIt() {
        Path missing = dir.resolve("no-such-file");
        assertThatThrownBy(() -> ApiKeys.load(properties(List.of(), missing)))
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("training-service.security.api-keys-file");
    }

    @Test
    void keysComeFromTheEnvironmentByIndex() {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        // Boot reads TRAINING_SERVICE_..._0 as [0] only in the source with the system environment's name
        sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                "TRAINING_SERVICE_SECURITY_API_KEYS_0", HASH,
                "TRAINING_SERVICE_SECURITY_API_KEYS_1", OTHER_HASH,
                "TRAINING_SERVICE_SECURITY_PROTECT_READS", "true")));
        SecurityProperties bound = new Binder(ConfigurationPropertySources.from(sources))
                .bindOrCreate("training-service.security", SecurityProperties.class);
        assertThat(bound.apiKeys()).containsExactly(HASH, OTHER_HASH);
        assertThat(bound.protectReads()).isTrue();
        assertThat(bound.maxQueuedJobsPerKey()).isEqualTo(10);
        assertThat(ApiKeys.load(bound).identify(KEY)).isPresent();
    }
}
