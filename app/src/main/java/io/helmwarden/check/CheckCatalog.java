package io.helmwarden.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The checks, one YAML file each: built in from {@code config/checks} (packaged on the classpath under
 * {@code checks/}), or from {@code helmwarden.checks.directory}. Every definition must have an evaluator
 * and every evaluator a definition: a mismatch stops the start with the names at fault.
 */
@Component
public class CheckCatalog {

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private final Map<String, CheckDefinition> definitions = new LinkedHashMap<>();

    @Autowired
    public CheckCatalog(CheckPolicy policy) {
        this(load(policy.directory()));
    }

    CheckCatalog(List<CheckDefinition> loaded) {
        loaded.stream().sorted(Comparator.comparing(CheckDefinition::id)).forEach(definition -> {
            if (definitions.put(definition.id(), definition) != null) {
                throw new IllegalStateException("two check definitions have the id " + definition.id());
            }
        });
        Set<String> withoutEvaluator = new HashSet<>(definitions.keySet());
        withoutEvaluator.removeAll(TillerChecks.CHECKS.keySet());
        Set<String> withoutDefinition = new HashSet<>(TillerChecks.CHECKS.keySet());
        withoutDefinition.removeAll(definitions.keySet());
        if (!withoutEvaluator.isEmpty() || !withoutDefinition.isEmpty()) {
            throw new IllegalStateException("check catalog mismatch: definitions without an evaluator " + withoutEvaluator
                    + ", evaluators without a definition " + withoutDefinition);
        }
    }

    public List<CheckDefinition> all() {
        return List.copyOf(definitions.values());
    }

    public Optional<CheckDefinition> find(String id) {
        return Optional.ofNullable(definitions.get(id));
    }

    static List<CheckDefinition> load(String directory) {
        List<CheckDefinition> result = new ArrayList<>();
        try {
            if (directory != null && !directory.isBlank()) {
                try (var files = Files.list(Path.of(directory))) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                        try (InputStream in = Files.newInputStream(file)) {
                            result.add(parse(in, file.toString()));
                        }
                    }
                }
            } else {
                for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:checks/*.yaml")) {
                    try (InputStream in = resource.getInputStream()) {
                        result.add(parse(in, resource.getDescription()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the check catalog", e);
        }
        if (result.isEmpty()) {
            throw new IllegalStateException("no check definitions found" + (directory == null || directory.isBlank()
                    ? " on the classpath (checks/*.yaml)" : " in " + directory));
        }
        return result;
    }

    private static CheckDefinition parse(InputStream in, String source) {
        try {
            CheckDefinition definition = YAML.readValue(in, CheckDefinition.class);
            if (definition.id() == null || definition.title() == null || definition.severity() == null
                    || definition.evidence() == null) {
                throw new IllegalStateException(source + ": id, title, severity and evidence are required");
            }
            return definition;
        } catch (RuntimeException e) {
            throw new IllegalStateException("invalid check definition " + source + ": " + e.getMessage(), e);
        }
    }
}
