package io.helmwarden;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Features talk to each other through their top-level packages only, and without cycles; only the cluster
 * adapters (and the demo's simulated cluster) talk to the Kubernetes API; and the module documentation under
 * {@code docs/modules} says what the code is. Regenerate it with
 * {@code ./mvnw -pl app -am test -Dtest=ModularityTest -Dhelmwarden.docs.update=true}.
 */
class ModularityTest {

    static final ApplicationModules MODULES = ApplicationModules.of(HelmWardenApplication.class);
    static final Path DOCS = Path.of("../docs/modules");

    @Test
    void featureBoundariesHold() {
        MODULES.verify();
    }

    @Test
    void onlyTheClusterAdaptersUseTheKubernetesClient() {
        JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.helmwarden");
        // The pure core (inventory, rbac, check, plans) reads fabric8's model classes, never its client: every
        // read and write of a cluster goes through io.helmwarden.cluster, where acting as someone plugs in.
        noClasses().that().resideOutsideOfPackages("io.helmwarden.cluster..", "io.helmwarden.demo..")
                .should().dependOnClassesThat().resideInAPackage("io.fabric8.kubernetes.client..")
                .because("cluster reads and writes go through ClusterObjects and the watches")
                .check(main);
    }

    @Test
    void theModuleDocumentationIsCurrent() throws IOException {
        Path generated = Files.createTempDirectory("modules");
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(generated.toString()))
                .writeModulesAsPlantUml().writeIndividualModulesAsPlantUml().writeModuleCanvases();
        if (Boolean.getBoolean("helmwarden.docs.update")) {
            try (Stream<Path> old = Files.exists(DOCS) ? Files.list(DOCS) : Stream.empty()) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
            Files.createDirectories(DOCS);
            for (Path file : files(generated)) {
                Files.copy(file, DOCS.resolve(file.getFileName()));
            }
        }
        assertThat(contents(DOCS)).as("regenerate with -Dhelmwarden.docs.update=true").isEqualTo(contents(generated));
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }

    /** Each file's lines, sorted: the Documenter lists relations in no stable order, and their order means nothing. */
    private static TreeMap<String, List<String>> contents(Path folder) throws IOException {
        TreeMap<String, List<String>> contents = new TreeMap<>();
        if (Files.exists(folder)) {
            for (Path file : files(folder)) {
                contents.put(file.getFileName().toString(), Files.readAllLines(file).stream().sorted().toList());
            }
        }
        return contents;
    }
}
