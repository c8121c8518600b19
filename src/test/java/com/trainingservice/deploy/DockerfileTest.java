package com.trainingservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.deploy.Dockerfile.Instruction;
import com.trainingservice.deploy.Dockerfile.Stage;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

/**
 * What docker/Dockerfile and docker/Dockerfile.cuda promise, checked without a Docker engine: the service's port and
 * liveness path in EXPOSE and HEALTHCHECK, the user the Helm chart runs as, sources that exist and are not
 * .dockerignored, Maven profiles and the CUDA version that match pom.xml, and one layout for both images.
 * ImageCommandIT runs the images' start command.
 */
class DockerfileTest {

    private static final ServiceSettings SERVICE = ServiceSettings.of(ServiceSettings.APPLICATION_YAML);

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.cuda"})
    void theImageServesThePortAndLivenessPathOfTheServicesConfiguration(String file) {
        Stage runtime = Dockerfile.read(Path.of(file)).runtime();

        assertThat(runtime.one("EXPOSE").arguments()).isEqualTo(String.valueOf(SERVICE.port()));
        assertThat(runtime.one("HEALTHCHECK").arguments())
                .contains("http://localhost:${SERVER_PORT:-" + SERVICE.port() + "}" + SERVICE.livenessPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.cuda"})
    void theImageRunsAsTheNonRootUserOfTheChartWithAWritableDataDirectory(String file) throws IOException {
        Stage runtime = Dockerfile.read(Path.of(file)).runtime();
        Map<String, Object> podSecurityContext = chartValue("podSecurityContext");

        assertThat(runtime.one("USER").arguments())
                .isEqualTo(podSecurityContext.get("runAsUser") + ":" + podSecurityContext.get("runAsGroup"))
                .doesNotStartWith("0:");
        String data = runtime.one("WORKDIR").arguments() + "/data";
        assertThat(runtime.one("VOLUME").arguments()).isEqualTo("[\"" + data + "\"]");
        assertThat(runtime.all("RUN")).anySatisfy(run -> assertThat(run.arguments())
                .contains("mkdir -p " + data).contains("chown " + runtime.one("USER").arguments() + " " + data));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.cuda"})
    void theEntrypointIsTheRepositorysScriptInExecForm(String file) {
        Dockerfile dockerfile = Dockerfile.read(Path.of(file));

        List<String> entrypoint = dockerfile.entrypoint();
        assertThat(dockerfile.repositorySourceOf(entrypoint.get(0))).isEqualTo(Path.of("docker/entrypoint.sh"));
        assertThat(Path.of("docker/entrypoint.sh")).isExecutable();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.cuda"})
    void everyFileCopiedFromTheContextExistsAndIsNotDockerignored(String file) throws IOException {
        List<PathMatcher> ignored = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(pattern -> FileSystems.getDefault().getPathMatcher("glob:" + pattern)).toList();

        for (Stage stage : Dockerfile.read(Path.of(file)).stages()) {
            for (Instruction copy : stage.all("COPY")) {
                if (copy.option("from").isPresent()) {
                    continue;
                }
                List<String> operands = copy.operands();
                for (String source : operands.subList(0, operands.size() - 1)) {
                    Path path = Path.of(source).normalize();
                    assertThat(path).as("%s in %s", copy, file).exists();
                    for (int i = 1; i <= path.getNameCount(); i++) {
                        Path prefix = path.subpath(0, i);
                        assertThat(ignored).as("%s: %s is .dockerignored", file, prefix).noneMatch(m -> m.matches(prefix));
                    }
                }
            }
        }
    }

    @Test
    void theImagesBuildWithTheMavenProfilesAndCudaVersionOfThePom() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        List<String> profiles = texts(pom, "profile", "id");
        // the cuda profile names its backend through a property, so a CUDA 12 snapshot can be chosen on the command line
        String cudaBackend = pom.getElementsByTagName("nd4j.cuda.artifact").item(0).getTextContent().trim();
        Matcher cudaVersion = Pattern.compile("nd4j-cuda-(\\d+\\.\\d+)").matcher(cudaBackend);
        assertThat(cudaVersion.find()).isTrue();

        assertThat(mavenProfile(Dockerfile.read(Dockerfile.CPU))).isEqualTo("cpu").isIn(profiles);
        Dockerfile cuda = Dockerfile.read(Dockerfile.CUDA);
        assertThat(mavenProfile(cuda)).isEqualTo("cuda").isIn(profiles);
        assertThat(cuda.runtime().from())
                .as("the CUDA runtime and cuDNN that %s links against", cudaBackend)
                .matches("nvidia/cuda:" + Pattern.quote(cudaVersion.group(1)) + "\\.\\d+-cudnn8-runtime-ubuntu\\d+\\.\\d+");
    }

    @Test
    void bothImagesShareOneLayoutAndDifferOnlyInBaseImageAndPackagesAndProfile() {
        Dockerfile cpu = Dockerfile.read(Dockerfile.CPU);
        Dockerfile cuda = Dockerfile.read(Dockerfile.CUDA);

        assertThat(cuda.stages().stream().map(Stage::name)).containsExactlyElementsOf(cpu.stages().stream().map(Stage::name).toList());
        assertThat(withoutKeyword(cuda.runtime(), "RUN")).containsExactlyElementsOf(withoutKeyword(cpu.runtime(), "RUN"));
        assertThat(withoutKeyword(cuda.stage("build"), "ARG")).containsExactlyElementsOf(withoutKeyword(cpu.stage("build"), "ARG"));
        assertThat(cuda.stage("dataset")).isEqualTo(cpu.stage("dataset"));
    }

    private static String mavenProfile(Dockerfile dockerfile) {
        Stage build = dockerfile.stage("build");
        assertThat(build.all("RUN")).anySatisfy(run -> assertThat(run.arguments()).contains("-P\"${MAVEN_PROFILE}\""));
        return build.one("ARG").arguments().replaceFirst("^MAVEN_PROFILE=", "");
    }

    private static List<Instruction> withoutKeyword(Stage stage, String keyword) {
        return stage.instructions().stream().filter(instruction -> !instruction.keyword().equals(keyword)).toList();
    }

    private static List<String> texts(Document document, String parent, String child) {
        NodeList parents = document.getElementsByTagName(parent);
        return IntStream.range(0, parents.getLength())
                .mapToObj(i -> ((Element) parents.item(i)).getElementsByTagName(child))
                .filter(children -> children.getLength() > 0)
                .map(children -> children.item(0).getTextContent().strip()).toList();
    }

    @SuppressWarnings("unchecked")
    private static <T> T chartValue(String key) throws IOException {
        try (Reader values = Files.newBufferedReader(Path.of("helm/training-service/values.yaml"))) {
            return (T) new Yaml().<Map<String, Object>>load(values).get(key);
        }
    }
}
