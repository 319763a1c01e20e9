package io.helmwarden.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditFilter;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.check.Finding;
import io.helmwarden.demo.DemoFleet;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.chart.Chart;
import io.helmwarden.release.hapi.chart.Config;
import io.helmwarden.release.hapi.chart.Metadata;
import io.helmwarden.release.hapi.release.Info;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import io.helmwarden.remediation.RemediationKind;
import io.helmwarden.support.kube.KubeApiServer;
import io.helmwarden.support.kube.RealApiServerCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * The cross-tenant hole, on the real API server: team "intruder" may edit its own Tillers, and points them at
 * team "victim"'s Tiller namespace, once with {@code TILLER_NAMESPACE} alone (ConfigMap records there) and once
 * with {@code --storage=secret} as well (Secret records there). No page, fragment, export or API shows the
 * intruder the victim's records; every remediation plan refuses and writes nothing in the victim's namespace;
 * the new finding is there; the victim's lead sees each attempt in the audit log.
 */
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:foreign-storage;DB_CLOSE_DELAY=-1",
        "spring.security.oauth2.client.registration.test.client-id=helm-warden",
        "spring.security.oauth2.client.registration.test.authorization-grant-type=authorization_code",
        "spring.security.oauth2.client.registration.test.redirect-uri={baseUrl}/login/oauth2/code/test",
        "spring.security.oauth2.client.provider.test.authorization-uri=https://idp.invalid/authorize",
        "spring.security.oauth2.client.provider.test.token-uri=https://idp.invalid/token",
        "helmwarden.inventory-refresh=200ms",
        "helmwarden.pki.key-encryption-key=test-only-key",
        "helmwarden.teams[0].id=intruder",
        "helmwarden.teams[0].display-name=Intruder",
        "helmwarden.teams[0].lead-groups=intruder-leads",
        "helmwarden.teams[0].namespaces.real=intruder-tiller,intruder-edge,intruder-apps",
        "helmwarden.teams[1].id=victim",
        "helmwarden.teams[1].display-name=Victim",
        "helmwarden.teams[1].lead-groups=victim-leads",
        "helmwarden.teams[1].namespaces.real=victim-tiller,victim-apps"})
@Import(RealApiServerCluster.class)
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForeignStorageNamespaceIT {

    static final String INTRUDER = "/tillers/real/intruder-tiller/tiller-deploy";
    static final String INTRUDER_SECRETS = "/tillers/real/intruder-edge/tiller-deploy";
    static final List<String> VICTIM_RELEASES = List.of("victim-api", "victim-db", "victim-vault");

    @Autowired
    MockMvc mvc;

    @Autowired
    FleetState fleet;

    @Autowired
    AuditLog audit;

    final KubernetesClient admin = KubeApiServer.shared().adminClient();

    @BeforeAll
    void aVictimTillerAndTwoTillersAimedAtItsNamespace() {
        List<HasMetadata> objects = new ArrayList<>();
        for (String ns : List.of("victim-tiller", "victim-apps", "intruder-tiller", "intruder-edge", "intruder-apps")) {
            objects.add(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build());
        }
        objects.addAll(tiller(new HelmInit("victim-tiller"), "victim-tiller"));
        objects.addAll(tiller(new HelmInit("intruder-tiller"), "victim-tiller"));
        objects.addAll(tiller(new HelmInit("intruder-edge").args("--storage=secret"), "victim-tiller"));
        Instant created = Instant.parse("2026-11-01T00:00:00Z");
        objects.add(ReleaseRecords.create(release("victim-api", 1), ReleaseStorage.CONFIGMAP, "victim-tiller", created));
        objects.add(ReleaseRecords.create(release("victim-db", 1), ReleaseStorage.CONFIGMAP, "victim-tiller", created));
        objects.add(ReleaseRecords.create(release("victim-vault", 1), ReleaseStorage.SECRET, "victim-tiller", created));
        DemoFleet.createIn(admin, objects);
        // Not tiller(): until the first sync the Tillers are not there, and the wait must keep waiting.
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("real/victim-tiller/tiller-deploy")
                .map(state -> state.tiller().records().size() == 3).orElse(false)
                && fleet.tiller("real/intruder-tiller/tiller-deploy").isPresent()
                && fleet.tiller("real/intruder-edge/tiller-deploy").isPresent());
    }

    @Test
    void theInventoryKeepsTheVictimsRecordsOffTheIntrudersTillersAndSaysWhy() {
        for (String id : List.of("real/intruder-tiller/tiller-deploy", "real/intruder-edge/tiller-deploy")) {
            Tiller intruder = tiller(id);
            assertThat(intruder.storage().namespace()).isEqualTo("victim-tiller");
            assertThat(intruder.storage().foreign()).isTrue();
            assertThat(intruder.records()).as(id).isEmpty();
            assertThat(intruder.storage().configMapRecords() + intruder.storage().secretRecords()).isZero();
            assertThat(fleet.tiller(id).orElseThrow().findings()).extracting(Finding::checkId)
                    .contains("records-in-foreign-namespace");
            assertThat(fleet.tiller(id).orElseThrow().findings())
                    .filteredOn(finding -> finding.checkId().equals("records-in-foreign-namespace")).singleElement()
                    .satisfies(finding -> {
                        assertThat(finding.severity().name()).isEqualTo("CRITICAL");
                        assertThat(finding.evidence()).contains("victim-tiller", "TILLER_NAMESPACE=victim-tiller")
                                .doesNotContain("team victim");
                    });
        }
        assertThat(tiller("real/victim-tiller/tiller-deploy").records()).extracting(r -> r.release())
                .containsExactlyInAnyOrderElementsOf(VICTIM_RELEASES);
        assertThat(fleet.tiller("real/victim-tiller/tiller-deploy").orElseThrow().findings())
                .extracting(Finding::checkId).doesNotContain("records-in-foreign-namespace");
    }

    @Test
    void noPageFragmentExportOrApiShowsTheIntruderTheVictimsReleases() throws Exception {
        List<String> pages = new ArrayList<>(List.of("/", "/?team=intruder", "/teams/intruder", "/clusters/real",
                INTRUDER, INTRUDER + "?page=2", INTRUDER_SECRETS, "/api/inventory", "/api/findings"));
        for (RemediationKind kind : RemediationKind.previewedKinds()) {
            pages.add(INTRUDER + "/remediations/" + kind.id());
        }
        for (String page : pages) {
            for (boolean htmx : List.of(false, true)) {
                var request = get(page).accept(MediaType.TEXT_HTML, MediaType.APPLICATION_JSON).with(intruderLead());
                if (htmx) {
                    request.header("HX-Request", "true");
                }
                var response = mvc.perform(request).andReturn().getResponse();
                assertThat(response.getStatus()).as(page).isEqualTo(200);
                // Neither the victim's releases nor its name: the namespace is the intruder's own words.
                assertThat(response.getContentAsString()).as(page + (htmx ? " (fragment)" : ""))
                        .doesNotContain(VICTIM_RELEASES).doesNotContain("\"victim\"", "team victim", "Victim");
            }
        }
        assertThat(mvc.perform(get(INTRUDER).accept(MediaType.TEXT_HTML).with(intruderLead())).andReturn().getResponse()
                .getContentAsString()).contains("Tiller stores its release records in a namespace its team does not own");
        for (String release : VICTIM_RELEASES) {
            for (String tiller : List.of(INTRUDER, INTRUDER_SECRETS)) {
                int status = mvc.perform(get(tiller + "/releases/" + release).accept(MediaType.TEXT_HTML)
                        .with(intruderLead())).andReturn().getResponse().getStatus();
                assertThat(status).as(tiller + " " + release).isEqualTo(404);
            }
        }
    }

    @Test
    void everyPlanRefusesWritesNothingInTheVictimsNamespaceAndTheVictimSeesTheAttempt() throws Exception {
        Set<String> before = victimObjects();
        long seq = latestSeq();
        List<String> remediations = new ArrayList<>();
        for (RemediationKind kind : RemediationKind.previewedKinds()) {
            remediations.add(kind.id());
        }
        for (String tiller : List.of(INTRUDER, INTRUDER_SECRETS)) {
            for (String remediation : remediations) {
                String url = tiller + "/remediations/" + remediation;
                String preview = mvc.perform(get(url).accept(MediaType.TEXT_HTML).with(intruderLead())).andReturn()
                        .getResponse().getContentAsString();
                assertThat(preview).as(url).contains("which its team does not own: no remediation writes there");
                var started = mvc.perform(post(url).param("confirm", tiller.substring("/tillers/".length()))
                        .param("accepted", "true").with(csrf()).with(intruderLead())).andReturn().getResponse();
                assertThat(started.getStatus()).as(url).isEqualTo(409);
                assertThat(started.getContentAsString()).as(url).contains("which its team does not own");
            }
        }
        assertThat(victimObjects()).as("the victim's namespace after every attempt").isEqualTo(before);

        List<AuditEntry> seenByVictim = audit.find(new AuditFilter(null, null, null, "remediation-refused", null, null,
                null, Set.of("victim")), null, 100).stream().filter(entry -> entry.seq() > seq).toList();
        assertThat(seenByVictim).hasSize(2 * remediations.size());
        assertThat(seenByVictim).allSatisfy(entry -> {
            assertThat(entry.team()).isEqualTo("intruder");
            assertThat(entry.concernedTeams()).containsExactly("victim");
            assertThat(entry.outcome()).isEqualTo(AuditEntry.Outcome.DENIED);
        });
        String victimsAuditPage = mvc.perform(get("/audit").param("action", "remediation-refused")
                .accept(MediaType.TEXT_HTML).with(Logins.lead("victim"))).andReturn().getResponse().getContentAsString();
        assertThat(victimsAuditPage).contains("intruder-tiller", "intruder-edge");
        assertThat(audit.verify().intact()).isTrue();
    }

    /** Everything in the victim's Tiller namespace, with its resourceVersion: any write changes this set. */
    private Set<String> victimObjects() {
        Set<String> objects = new TreeSet<>();
        admin.configMaps().inNamespace("victim-tiller").list().getItems()
                .forEach(o -> objects.add("cm/" + o.getMetadata().getName() + "@" + o.getMetadata().getResourceVersion()));
        admin.secrets().inNamespace("victim-tiller").list().getItems()
                .forEach(o -> objects.add("secret/" + o.getMetadata().getName() + "@" + o.getMetadata().getResourceVersion()));
        admin.rbac().roles().inNamespace("victim-tiller").list().getItems()
                .forEach(o -> objects.add("role/" + o.getMetadata().getName()));
        admin.rbac().roleBindings().inNamespace("victim-tiller").list().getItems()
                .forEach(o -> objects.add("rolebinding/" + o.getMetadata().getName()));
        admin.apps().deployments().inNamespace("victim-tiller").list().getItems()
                .forEach(o -> objects.add("deployment/" + o.getMetadata().getName() + "@" + o.getMetadata().getResourceVersion()));
        return objects;
    }

    private long latestSeq() {
        return audit.find(new AuditFilter(null, null, null, null, null, null, null, null), null, 1).stream()
                .mapToLong(AuditEntry::seq).findFirst().orElse(0);
    }

    private Tiller tiller(String id) {
        return fleet.tiller(id).orElseThrow(() -> new AssertionError("no Tiller " + id)).tiller();
    }

    /** helm init's objects for a Tiller in {@code init}'s namespace, storing its records in {@code storage}. */
    private static List<HasMetadata> tiller(HelmInit init, String storage) {
        List<HasMetadata> objects = init.objects().stream().filter(o -> !(o instanceof Service)).toList();
        objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).forEach(deployment ->
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                        .filter(env -> env.getName().equals("TILLER_NAMESPACE")).forEach(env -> env.setValue(storage)));
        return objects;
    }

    private static Release release(String name, int revision) {
        return Release.newBuilder().setName(name).setVersion(revision).setNamespace("victim-apps")
                .setChart(Chart.newBuilder().setMetadata(Metadata.newBuilder().setName(name).setVersion("1.0.0")))
                .setConfig(Config.newBuilder().setRaw("password: victim-secret"))
                .setInfo(Info.newBuilder().setStatus(Status.newBuilder().setCode(Status.Code.DEPLOYED)))
                .build();
    }

    private static RequestPostProcessor intruderLead() {
        return Logins.lead("intruder");
    }
}
