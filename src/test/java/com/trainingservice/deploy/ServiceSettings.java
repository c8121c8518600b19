package com.trainingservice.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointProperties;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * The port and actuator paths the service serves, bound by Spring Boot's own binder and properties classes from
 * application.yml files (the image's ./application.yml, optionally overridden by ./config/application.yml as the
 * chart mounts it), so the deployment tests compare the probes with what the service really does rather than with
 * a second copy of "8080" and "/actuator/health/liveness".
 */
record ServiceSettings(int port, String contextPath, String actuatorBasePath, String healthPath,
        Set<String> exposedEndpoints, Set<String> healthGroups) {

    /** The repository's application.yml: the file every image carries in its working directory. */
    static final Path APPLICATION_YAML = Path.of("application.yml");

    /** What the service runs with: application.yml, then each override on top of it (the last one wins). */
    static ServiceSettings of(Path applicationYaml, String... overrides) {
        List<Resource> files = new ArrayList<>();
        files.add(new FileSystemResource(applicationYaml));
        for (String override : overrides) {
            files.add(new ByteArrayResource(override.getBytes(StandardCharsets.UTF_8)));
        }
        MutablePropertySources sources = new MutablePropertySources();
        YamlPropertySourceLoader loader = new YamlPropertySourceLoader();
        for (int i = 0; i < files.size(); i++) {
            try {
                for (PropertySource<?> source : loader.load("file-" + i, files.get(i))) {
                    sources.addFirst(source);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Binder binder = new Binder(ConfigurationPropertySources.from(sources));
        WebEndpointProperties web = binder.bindOrCreate("management.endpoints.web", WebEndpointProperties.class);
        HealthEndpointProperties health = binder.bindOrCreate("management.endpoint.health", HealthEndpointProperties.class);
        boolean probes = binder.bind("management.endpoint.health.probes.enabled", Boolean.class).orElse(false);
        Set<String> groups = new TreeSet<>(health.getGroup().keySet());
        if (probes) { // Spring Boot adds the two probe groups when they are not configured
            groups.addAll(List.of("liveness", "readiness"));
        }
        return new ServiceSettings(
                binder.bind("server.port", Integer.class).orElse(8080),
                binder.bind("server.servlet.context-path", String.class).orElse(""),
                web.getBasePath(),
                web.getPathMapping().getOrDefault("health", "health"),
                Set.copyOf(binder.bind("management.endpoints.web.exposure.include", Bindable.setOf(String.class))
                        .orElse(Set.of())),
                Set.copyOf(groups));
    }

    String actuatorPath(String endpoint) {
        return contextPath + actuatorBasePath + "/" + endpoint;
    }

    String healthGroupPath(String group) {
        if (!healthGroups.contains(group)) {
            throw new IllegalStateException("no health group '" + group + "' in the configuration: " + healthGroups);
        }
        return actuatorPath(healthPath) + "/" + group;
    }

    String livenessPath() {
        return healthGroupPath("liveness");
    }

    String readinessPath() {
        return healthGroupPath("readiness");
    }
}
