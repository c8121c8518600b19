package com.trainingservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart, linted and rendered by Helm itself (helm-java: Helm's Go library through JNA) for the default
 * values, a GPU node pool and three replicas on PostgreSQL; every rendered manifest is read with fabric8's
 * Kubernetes model. Probe paths and ports are compared with what the service serves according to its own
 * application.yml and the chart's ConfigMap ({@link ServiceSettings}), not with literals.
 */
@Tag("helm") // runs in the surefire execution helm-tests: helm-java needs JNA 5, DL4J brings JNA 4 (pom.xml)
class HelmChartTest {

    static final Path CHART = Path.of("helm/training-service");
    private static final String RELEASE = "demo";
    private static final String FULLNAME = "demo-training-service";
    /** The image's working directory: ./data and ./config of the service are under it. */
    private static final String WORKDIR = Dockerfile.read(Dockerfile.CPU).runtime().one("WORKDIR").arguments();
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    /** helm-java renders for Kubernetes 1.20 unless told; the chart needs 1.25 (policy/v1 PodDisruptionBudget) */
    private static final String KUBERNETES_VERSION = "v1.30.0";

    @Test
    void theChartLintsCleanInStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
    }

    @Test
    void defaultValuesRunOnePodOnTheEmbeddedDatabaseWithProbesOnTheServicesOwnHealthGroups() throws Exception {
        Rendered chart = render(UnaryOperator.identity());
        ServiceSettings service = chart.serviceSettings();
        Deployment deployment = chart.one(Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);

        assertThat(chart.kinds()).containsExactlyInAnyOrder(
                "Deployment", "Service", "ConfigMap", "ConfigMap", "PersistentVolumeClaim", "PodDisruptionBudget");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy().getType()).as("one pod at a time on the H2 file").isEqualTo("Recreate");
        assertThat(container.getImage()).isEqualTo("training-service:0.1.0");
        assertProbesMatch(container, service);
        assertThat(service.port()).isEqualTo(8080);

        // no GPU anywhere
        assertThat(container.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
        assertThat(container.getResources().getRequests()).doesNotContainKey("nvidia.com/gpu");
        assertThat(pod.getNodeSelector()).isNullOrEmpty();
        assertThat(pod.getTolerations()).isNullOrEmpty();

        // non-root, read-only root filesystem; ./data on the claim, /tmp (JavaCPP's natives) on an emptyDir
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(volumeAt(pod, container, WORKDIR + "/data").getPersistentVolumeClaim().getClaimName()).isEqualTo(FULLNAME);
        assertThat(volumeAt(pod, container, "/tmp").getEmptyDir()).isNotNull();
        assertThat(env(container, "JAVACPP_CACHE_DIR")).startsWith("/tmp/");
        assertThat(volumeAt(pod, container, WORKDIR + "/config").getConfigMap().getName()).isEqualTo(FULLNAME);
        assertThat(chart.one(PersistentVolumeClaim.class).getMetadata().getAnnotations())
                .containsEntry("helm.sh/resource-policy", "keep");

        // memory: the heap's share from the values, JavaCPP's limits left to the entrypoint's defaults
        assertThat(env(container, "JAVA_MAX_RAM_PERCENTAGE")).isEqualTo("25");
        assertThat(envNames(container)).doesNotContain("JAVACPP_MAX_BYTES", "JAVACPP_MAX_PHYSICAL_BYTES", "JAVA_OPTS",
                "SPRING_DATASOURCE_URL", "TRAINING_SERVICE_SECURITY_API_KEYS_FILE");
        assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("6Gi"));

        // the Service forwards to the container's port by name; the PDB lets a single pod be evicted (drains work)
        Service kubernetesService = chart.one(Service.class);
        assertThat(kubernetesService.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");
        assertThat(kubernetesService.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(chart.one(PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

        // the checksums roll the pods when the configuration changes
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/config");
    }

    @Test
    void theGrafanaDashboardConfigMapCarriesTheSidecarLabelAndTheRepositorysDashboard() throws Exception {
        ConfigMap dashboard = render(UnaryOperator.identity()).configMap(FULLNAME + "-dashboard");

        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(dashboard.getData().get("training-service.json"))
                .isEqualTo(Files.readString(Path.of("docker/grafana/dashboards/training-service.json")).strip());
    }

    @Test
    void gpuValuesAskForTheGpuAndItsNodesAndRunTheCudaImage() throws Exception {
        Rendered chart = render(template -> template.withValuesFile(CHART.resolve("ci/gpu-values.yaml")));
        PodSpec pod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);

        assertThat(container.getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("1"))
                .containsEntry("memory", new Quantity("12Gi"));
        assertThat(container.getImage()).isEqualTo("training-service:0.1.0-cuda");
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(pod.getTolerations()).anySatisfy(toleration -> {
            assertThat(toleration.getKey()).isEqualTo("nvidia.com/gpu");
            assertThat(toleration.getEffect()).isEqualTo("NoSchedule");
        });
        assertProbesMatch(container, chart.serviceSettings());
    }

    @Test
    void threeReplicasShareThePostgresqlDatabaseWithCredentialsAndKeysFromSecrets() throws Exception {
        Rendered chart = render(template -> template.withValuesFile(CHART.resolve("ci/postgresql-values.yaml")));
        Deployment deployment = chart.one(Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        ServiceSettings service = chart.serviceSettings();

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getStrategy()).as("rolling updates on a shared database").isNull();
        assertThat(chart.all(PersistentVolumeClaim.class)).as("nothing to persist outside the database").isEmpty();
        assertThat(volumeAt(pod, container, WORKDIR + "/data").getEmptyDir()).isNotNull();
        assertProbesMatch(container, service);

        // Spring's standard datasource settings; the credentials from the operator's Secret and keys
        assertThat(env(container, "SPRING_DATASOURCE_URL")).isEqualTo("jdbc:postgresql://postgres.databases.svc:5432/training");
        EnvVar user = envVar(container, "SPRING_DATASOURCE_USERNAME");
        assertThat(user.getValueFrom().getSecretKeyRef().getName()).isEqualTo("training-service-db");
        assertThat(user.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("user");
        EnvVar password = envVar(container, "SPRING_DATASOURCE_PASSWORD");
        assertThat(password.getValue()).isNull();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("training-service-db");
        assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");

        // the API key hashes: the chart's Secret, mounted as the service's api-keys-file
        Secret secret = chart.one(Secret.class);
        assertThat(secret.getStringData()).doesNotContainKeys("database-username", "database-password");
        assertThat(secret.getStringData().get("api-keys").lines()).containsExactly(
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752");
        String keysFile = env(container, "TRAINING_SERVICE_SECURITY_API_KEYS_FILE");
        Volume keys = volumeAt(pod, container, Path.of(keysFile).getParent().toString());
        assertThat(keys.getSecret().getSecretName()).isEqualTo(FULLNAME);
        assertThat(keys.getSecret().getItems().get(0).getPath()).isEqualTo(Path.of(keysFile).getFileName().toString());

        // JVM and JavaCPP memory from the values
        assertThat(env(container, "JAVA_MAX_RAM_PERCENTAGE")).isEqualTo("20");
        assertThat(env(container, "JAVACPP_MAX_BYTES")).isEqualTo("4g");
        assertThat(env(container, "JAVACPP_MAX_PHYSICAL_BYTES")).isEqualTo("7g");

        // the ServiceMonitor scrapes the endpoint the service exposes, on the Service's named port
        GenericKubernetesResource monitor = chart.generic("ServiceMonitor");
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        Map<String, Object> endpoint = monitor.<List<Map<String, Object>>>get("spec", "endpoints").get(0);
        assertThat(service.exposedEndpoints()).contains("prometheus");
        assertThat(endpoint).containsEntry("path", service.actuatorPath("prometheus")).containsEntry("port", "http");
        assertThat(chart.one(Service.class).getSpec().getPorts().get(0).getName()).isEqualTo("http");
        assertThat(chart.one(PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    @Test
    void theChartsOwnSecretHoldsTheDatabaseCredentialsWhenNoSecretIsGiven() throws Exception {
        Rendered chart = render(template -> template.set("database.type", "postgresql")
                .set("database.postgresql.url", "jdbc:postgresql://db:5432/training")
                .set("database.postgresql.password", "s3cret"));
        Container container = chart.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);

        Secret secret = chart.one(Secret.class);
        assertThat(secret.getStringData()).containsEntry("database-username", "training")
                .containsEntry("database-password", "s3cret").doesNotContainKey("api-keys");
        assertThat(envVar(container, "SPRING_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo(FULLNAME);
        assertThat(envVar(container, "SPRING_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef().getKey())
                .isEqualTo("database-password");
    }

    @Test
    void probesFollowAMovedPortAndActuatorPath() throws Exception {
        Rendered chart = render(template -> template.set("containerPort", 9090)
                .set("config.server.servlet.context-path", "/ts")
                .set("config.management.endpoints.web.base-path", "/manage"));
        ServiceSettings service = chart.serviceSettings();

        assertThat(service.port()).isEqualTo(9090);
        assertThat(service.livenessPath()).isEqualTo("/ts/manage/health/liveness");
        assertProbesMatch(chart.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0), service);
    }

    @Test
    void severalReplicasOnTheEmbeddedDatabaseAreRefused() {
        assertThatThrownBy(() -> render(template -> template.set("replicaCount", 3)))
                .hasMessageContaining("replicaCount 3 needs database.type=postgresql");
        assertThatThrownBy(() -> render(template -> template.set("database.type", "postgresql").set("replicaCount", 2)))
                .as("PostgreSQL without its URL")
                .hasMessageContaining("database.postgresql.url is required");
    }

    @Test
    void theSchemaRefusesWrongTypesMisspeltNamesAndKeysPastedForHashes() {
        assertThatThrownBy(() -> render(template -> template.set("replicaCount", "three")))
                .hasMessageContaining("schema").hasMessageContaining("'/replicaCount': got string, want integer");
        assertThatThrownBy(() -> render(template -> template.set("gpu.enabled", "yes")))
                .hasMessageContaining("'/gpu/enabled': got string, want boolean");
        assertThatThrownBy(() -> render(template -> template.set("database.type", "mysql")))
                .hasMessageContaining("'/database/type'");
        assertThatThrownBy(() -> render(template -> template.set("replicas", 2)))
                .as("a misspelt value").hasMessageContaining("'replicas' not allowed");
        assertThatThrownBy(() -> render(template -> template.set("apiKeys.hashes[0]", "my-secret-key")))
                .hasMessageContaining("'/apiKeys/hashes/0'");
    }

    @Test
    void theNotesWalkThroughWithCurlAndTheKeyWhenKeysAreConfigured() throws Exception {
        String readiness = render(UnaryOperator.identity()).serviceSettings().readinessPath();

        String open = notes(install -> install);
        assertThat(open).contains("kubectl -n training port-forward service/" + FULLNAME + " 8080:8080")
                .contains("curl -s localhost:8080" + readiness)
                .contains("curl -si -X POST localhost:8080/api/v1/jobs -H 'Content-Type: application/json'")
                .contains("every endpoint is open")
                .doesNotContain("Bearer");

        String withKeys = notes(install -> install.withValuesFile(CHART.resolve("ci/postgresql-values.yaml")));
        assertThat(withKeys).contains("curl -si -X POST localhost:8080/api/v1/jobs -H \"Authorization: Bearer $KEY\"")
                .contains("3 replica(s), database: postgresql")
                .doesNotContain("every endpoint is open");
    }

    /** The probes hit the service's health groups on the port it listens on. */
    private static void assertProbesMatch(Container container, ServiceSettings service) {
        assertThat(container.getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("http");
            assertThat(port.getContainerPort()).isEqualTo(service.port());
        });
        assertHttpProbe(container.getStartupProbe(), service.livenessPath());
        assertHttpProbe(container.getLivenessProbe(), service.livenessPath());
        assertHttpProbe(container.getReadinessProbe(), service.readinessPath());
    }

    private static void assertHttpProbe(Probe probe, String path) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as("the container's named port").isEqualTo("http");
    }

    private static Volume volumeAt(PodSpec pod, Container container, String mountPath) {
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(mountPath))
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + mountPath));
        return pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
    }

    private static EnvVar envVar(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no environment variable " + name + " in " + envNames(container)));
    }

    private static String env(Container container, String name) {
        return envVar(container, name).getValue();
    }

    private static List<String> envNames(Container container) {
        return container.getEnv().stream().map(EnvVar::getName).toList();
    }

    /** NOTES.txt as helm install prints it (a client-only dry run: no cluster). */
    private static String notes(UnaryOperator<InstallCommand> values) {
        return values.apply(new Helm(CHART).install().withName(RELEASE).withNamespace("training")
                .withKubeVersion(KUBERNETES_VERSION).clientOnly().dryRun()).call().getOutput();
    }

    private static Rendered render(UnaryOperator<TemplateCommand> values) {
        String output = values.apply(new Helm(CHART).template().withName(RELEASE).withNamespace("training")
                .withKubeVersion(KUBERNETES_VERSION)).call();
        List<HasMetadata> manifests = new ArrayList<>();
        for (String document : output.split("(?m)^---\\s*$")) {
            if (!document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
                manifests.add(KUBERNETES.unmarshal(document, HasMetadata.class));
            }
        }
        return new Rendered(manifests);
    }

    private record Rendered(List<HasMetadata> manifests) {

        List<String> kinds() {
            return manifests.stream().map(HasMetadata::getKind).toList();
        }

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return manifests.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            assertThat(found).as("one %s among %s", type.getSimpleName(), kinds()).hasSize(1);
            return found.get(0);
        }

        ConfigMap configMap(String name) {
            return all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
        }

        GenericKubernetesResource generic(String kind) {
            List<GenericKubernetesResource> found = all(GenericKubernetesResource.class).stream()
                    .filter(resource -> resource.getKind().equals(kind)).collect(Collectors.toList());
            assertThat(found).as("one %s among %s", kind, kinds()).hasSize(1);
            return found.get(0);
        }

        /** What the service runs with: the image's application.yml under the chart's ./config/application.yml. */
        ServiceSettings serviceSettings() {
            return ServiceSettings.of(ServiceSettings.APPLICATION_YAML, configMap(FULLNAME).getData().get("application.yml"));
        }
    }
}
