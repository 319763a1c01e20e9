package io.helmwarden.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.helmwarden.inventory.Tiller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every check against its fixture folder ({@code src/test/resources/checks/<id>/}): each
 * {@code success.*.yaml} must raise no open (non-exempt) finding of that check, each {@code failure.*.yaml} at least one.
 */
class CheckFixturesTest {

    static final Path FIXTURES = Path.of("src/test/resources/checks");
    static final CheckCatalog CATALOG = new CheckCatalog(CheckCatalog.load(Path.of("../config/checks").toString()));

    static Stream<Arguments> fixtures() throws IOException {
        try (var folders = Files.list(FIXTURES)) {
            return folders.sorted().flatMap(folder -> {
                try (var files = Files.list(folder)) {
                    return files.sorted().filter(f -> f.getFileName().toString().endsWith(".yaml"))
                            .map(file -> Arguments.of(folder.getFileName().toString(), file.getFileName().toString(), file))
                            .toList().stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("fixtures")
    void fixtureIsJudgedAsItsNameSays(String checkId, String fileName, Path file) throws IOException {
        assertThat(CATALOG.find(checkId)).as("a check definition for fixture folder " + checkId).isPresent();
        List<Tiller> tillers = CheckFixtures.tillers(CheckFixtures.load(file));
        assertThat(tillers).as("the fixture holds a Tiller").isNotEmpty();
        var engine = new CheckEngine(CATALOG, new CheckPolicy(Map.of(), List.of(), java.time.Duration.ofDays(30), ""),
                CheckFixtures.TEAMS);
        List<Finding> findings = tillers.stream().flatMap(t -> engine.evaluate(t, CheckFixtures.NOW).stream())
                .filter(finding -> finding.checkId().equals(checkId)).toList();
        if (fileName.startsWith("success.")) {
            // Exempt findings are accepted ones: a success fixture may pass by an exemption annotation.
            assertThat(findings.stream().filter(finding -> !finding.exempt())).as("open findings of " + checkId).isEmpty();
        } else {
            assertThat(fileName).startsWith("failure.");
            assertThat(findings).as("findings of " + checkId).isNotEmpty();
            assertThat(findings).allSatisfy(finding -> assertThat(finding.evidence()).doesNotContain("{"));
        }
    }

    @Test
    void everyCheckHasASuccessAndAFailureFixture() throws IOException {
        for (CheckDefinition check : CATALOG.all()) {
            Path folder = FIXTURES.resolve(check.id());
            assertThat(folder).as("fixture folder for " + check.id()).isDirectory();
            try (var files = Files.list(folder)) {
                List<String> names = files.map(f -> f.getFileName().toString()).toList();
                assertThat(names).as(check.id()).anyMatch(n -> n.startsWith("success."))
                        .anyMatch(n -> n.startsWith("failure."));
            }
        }
    }

    @Test
    void aTillerKnownByItsPodLabelsAloneIsFoundAndARecordWithoutLabelsGetsItsRevisionFromItsName() throws IOException {
        List<Tiller> tillers = CheckFixtures.tillers(CheckFixtures.load(
                FIXTURES.resolve("helm2-end-of-life/failure.pod-template-labels-only.yaml")));
        assertThat(tillers).singleElement().satisfies(tiller -> {
            assertThat(tiller.image()).isEqualTo("registry.example/mirror/helm-server:v2.16.12");
            assertThat(tiller.records()).singleElement().satisfies(record -> {
                assertThat(record.release()).isEqualTo("bar");
                assertThat(record.revision()).as("from the name bar.v1, no VERSION label").isEqualTo(1);
            });
        });
    }

    @Test
    void aListenAddressOfThePodIsCalledSoNotAllInterfaces() throws IOException {
        var engine = new CheckEngine(CATALOG, new CheckPolicy(Map.of(), List.of(), java.time.Duration.ofDays(30), ""),
                CheckFixtures.TEAMS);
        List<Finding> podAddress = CheckFixtures.tillers(CheckFixtures.load(
                        FIXTURES.resolve("listens-on-all-interfaces/failure.pod-address.yaml"))).stream()
                .flatMap(t -> engine.evaluate(t, CheckFixtures.NOW).stream())
                .filter(f -> f.checkId().equals("listens-on-all-interfaces")).toList();
        assertThat(podAddress).singleElement().satisfies(finding -> {
            assertThat(finding.title()).isEqualTo("Tiller's gRPC port listens beyond the loopback interface");
            assertThat(finding.evidence()).contains("10.7.2.8:44134 (the pod's address 10.7.2.8").doesNotContain("every");
        });
        List<Finding> everywhere = CheckFixtures.tillers(CheckFixtures.load(
                        FIXTURES.resolve("listens-on-all-interfaces/failure.default-listen.yaml"))).stream()
                .flatMap(t -> engine.evaluate(t, CheckFixtures.NOW).stream())
                .filter(f -> f.checkId().equals("listens-on-all-interfaces")).toList();
        assertThat(everywhere).singleElement().satisfies(finding -> assertThat(finding.evidence())
                .contains("(every network interface)"));
    }

    @Test
    void tillersOutsideDeploymentsAreFoundOnceEachWithTheRuleThatFoundThem() throws IOException {
        List<Tiller> tillers = CheckFixtures.tillers(CheckFixtures.load(
                FIXTURES.resolve("helm2-end-of-life/failure.bare-pod-and-unowned-sets.yaml")));
        assertThat(tillers).extracting(t -> t.workloadKind() + " " + t.namespace() + "/" + t.name())
                .containsExactlyInAnyOrder("Pod team-tiller/tiller-by-hand", "ReplicaSet payments/tiller-rs",
                        "ReplicationController search/tiller-rc", "Deployment sandbox/tiller-deploy");
        assertThat(tillers).filteredOn(t -> t.workloadKind().equals("Pod")).singleElement()
                .satisfies(t -> assertThat(t.foundBy()).startsWith("Tiller's image (gcr.io/kubernetes-helm/tiller:v2.14.3)"));
        assertThat(tillers).filteredOn(t -> t.workloadKind().equals("ReplicaSet")).singleElement()
                .satisfies(t -> assertThat(t.foundBy()).contains("on its pods"));
        assertThat(tillers).filteredOn(t -> t.workloadKind().equals("Deployment")).singleElement()
                .satisfies(t -> assertThat(t.foundBy()).isEqualTo("Helm's labels app=helm, name=tiller on the Deployment"));
    }
}
