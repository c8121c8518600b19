package com.trainingservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/compose.yaml and its GPU override, read as YAML (no Docker engine here): every build context, Dockerfile
 * and mounted file exists in the repository, images are pinned, and the services find each other under the names
 * and ports the provisioning files use (Prometheus scrapes the service's metrics path, Grafana's datasource is
 * the Prometheus service, the service's JDBC URL names the PostgreSQL service and its database).
 */
class ComposeFileTest {

    private static final Path DIRECTORY = Path.of("docker");
    private static final Map<String, Object> COMPOSE = yaml(DIRECTORY.resolve("compose.yaml"));
    private static final Map<String, Object> GPU = yaml(DIRECTORY.resolve("compose.gpu.yaml"));
    private static final ServiceSettings SERVICE = ServiceSettings.of(ServiceSettings.APPLICATION_YAML);

    @Test
    void theStackIsTheServicePostgresqlPrometheusAndGrafanaWithPinnedImages() {
        assertThat(services(COMPOSE)).containsOnlyKeys("training-service", "postgres", "prometheus", "grafana");
        services(COMPOSE).forEach((name, service) -> {
            Object image = map(service).get("image");
            assertThat(image).as("%s names its image", name).isInstanceOf(String.class);
            assertThat((String) image).as("%s: a pinned tag", name).matches("[^:]+:[^:]+").doesNotEndWith(":latest");
        });
    }

    @Test
    void buildContextsDockerfilesAndMountedFilesExistInTheRepository() {
        for (String name : List.of("training-service", "training-service-gpu", "postgres", "prometheus", "grafana")) {
            Map<String, Object> service = merged(name);
            Map<String, Object> build = map(service.get("build"));
            if (!build.isEmpty()) {
                Path context = DIRECTORY.resolve((String) build.get("context")).normalize();
                assertThat(context).as("%s's build context", name).isDirectory();
                assertThat(context.resolve((String) build.get("dockerfile"))).as("%s's Dockerfile", name).isRegularFile();
            }
            for (Object volume : list(service.get("volumes"))) {
                String source = ((String) volume).split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DIRECTORY.resolve(source)).as("%s mounts %s", name, volume).exists();
                } else {
                    assertThat(map(COMPOSE.get("volumes"))).as("%s's named volume %s", name, source).containsKey(source);
                }
            }
        }
        assertThat(merged("training-service").get("build")).isEqualTo(Map.of("context", "..", "dockerfile", "docker/Dockerfile"));
    }

    @Test
    void theServiceKeepsItsDataOnAVolumeAndIsReadOnlyElsewhereWithAnExecutableTmp() {
        Map<String, Object> service = merged("training-service");
        String workdir = Dockerfile.read(Dockerfile.CPU).runtime().one("WORKDIR").arguments();

        assertThat(list(service.get("volumes"))).anySatisfy(volume -> assertThat((String) volume).endsWith(":" + workdir + "/data"));
        assertThat(service.get("read_only")).isEqualTo(true);
        // JavaCPP loads ND4J's natives from its cache under /tmp: Docker's tmpfs is noexec unless told
        assertThat(list(service.get("tmpfs"))).contains("/tmp:exec");
        assertThat(list(service.get("ports"))).contains(SERVICE.port() + ":" + SERVICE.port());
    }

    @Test
    void prometheusScrapesTheServiceAndGrafanaReadsPrometheusUnderTheirComposeNames() {
        Map<String, Object> prometheus = yaml(mountedFile("prometheus", "/etc/prometheus/prometheus.yml"));
        Map<String, Object> scrape = map(list(prometheus.get("scrape_configs")).get(0));
        String target = (String) list(map(list(scrape.get("static_configs")).get(0)).get("targets")).get(0);

        assertThat(target).isEqualTo("training-service:" + SERVICE.port());
        assertThat(scrape.get("metrics_path")).isEqualTo(SERVICE.actuatorPath("prometheus"));
        assertThat(SERVICE.exposedEndpoints()).contains("prometheus");

        Path datasources = mountedFile("grafana", "/etc/grafana/provisioning/datasources");
        URI datasource = URI.create((String) map(list(yaml(datasources.resolve("prometheus.yml")).get("datasources")).get(0)).get("url"));
        assertThat(services(COMPOSE)).containsKey(datasource.getHost());
        assertThat(list(merged("prometheus").get("ports"))).contains(datasource.getPort() + ":" + datasource.getPort());

        Path providers = mountedFile("grafana", "/etc/grafana/provisioning/dashboards");
        String dashboards = (String) map(map(list(yaml(providers.resolve("training-service.yml")).get("providers")).get(0))
                .get("options")).get("path");
        assertThat(mountedFile("grafana", dashboards).resolve("training-service.json")).isRegularFile();
    }

    @Test
    void theServiceUsesThePostgresqlServiceThroughSpringsStandardSettings() {
        Map<String, Object> environment = map(merged("training-service").get("environment"));
        Map<String, Object> postgres = map(merged("postgres").get("environment"));

        assertThat(environment.get("SPRING_DATASOURCE_URL"))
                .isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
        assertThat(environment.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(postgres.get("POSTGRES_USER"));
        assertThat(environment.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
        assertThat(map(map(merged("training-service").get("depends_on")).get("postgres")))
                .containsEntry("condition", "service_healthy");
        assertThat(map(merged("postgres").get("healthcheck"))).containsKey("test");
    }

    @Test
    void theGpuOverrideBuildsTheCudaImageAndReservesTheGpus() {
        assertThat(services(GPU)).containsOnlyKeys("training-service");
        Map<String, Object> service = merged("training-service-gpu");

        assertThat(map(service.get("build"))).containsEntry("context", "..").containsEntry("dockerfile", "docker/Dockerfile.cuda");
        assertThat((String) service.get("image")).endsWith("-cuda");
        Map<String, Object> device = map(list(map(map(map(service.get("deploy")).get("resources")).get("reservations"))
                .get("devices")).get(0));
        assertThat(device).containsEntry("driver", "nvidia").containsEntry("count", "all");
        assertThat(list(device.get("capabilities"))).containsExactly("gpu");
    }

    /** A service as compose sees it: compose.yaml's, with the GPU override merged in for "training-service-gpu". */
    private static Map<String, Object> merged(String name) {
        if (name.equals("training-service-gpu")) {
            return deepMerge(map(services(COMPOSE).get("training-service")), map(services(GPU).get("training-service")));
        }
        return map(services(COMPOSE).get(name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        override.forEach((key, value) -> merged.merge(key, value, (old, changed) ->
                old instanceof Map && changed instanceof Map
                        ? deepMerge((Map<String, Object>) old, (Map<String, Object>) changed) : changed));
        return merged;
    }

    /** The repository path a service mounts at the given container path. */
    private static Path mountedFile(String service, String containerPath) {
        return list(merged(service).get("volumes")).stream().map(volume -> ((String) volume).split(":"))
                .filter(parts -> parts[1].equals(containerPath)).map(parts -> DIRECTORY.resolve(parts[0]).normalize())
                .findFirst().orElseThrow(() -> new AssertionError(service + " mounts nothing at " + containerPath));
    }

    private static Map<String, Object> services(Map<String, Object> compose) {
        return map(compose.get("services"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    private static Map<String, Object> yaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }
}
