package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.ReleaseHistory;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.release.hapi.release.Status;
import io.helmwarden.support.kube.KubeApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.yaml.snakeyaml.Yaml;

/**
 * Helm 2 releases converted in place on the real API server, then read, upgraded and uninstalled by the real Helm 3
 * (v3.21.0, embedded by helm-java): Helm 3 itself is the judge of what was written. Also: the undo, the blockers, a
 * foreign record appearing mid-run (everything written removed again), and Tiller's records handed over.
 */
@MigrationOnRealApiServer
class Helm3ConversionIT {

    static final AuditEvent.Actor ADMIN = new AuditEvent.Actor("admin", "Alex Admin", "PLATFORM_ADMIN");
    static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final PlanInput.Settings SETTINGS = new PlanInput.Settings(200, false);

    @Autowired
    FleetState fleet;

    @Autowired
    RemediationExecutor executor;

    @Autowired
    RemediationRuns runs;

    @Autowired
    Helm3Conversions conversions;

    @Autowired
    Helm3Ledger ledger;

    final KubeApiServer server = KubeApiServer.shared();
    final KubernetesClient admin = server.adminClient();
    final Helm3Fixtures fixtures = new Helm3Fixtures(admin);

    @TempDir
    Path dir;

    @AfterEach
    void noMoreFaults() {
        executor.faults = FaultPoint.NONE;
    }

    @Test
    void helm3ListsShowsHistoryReturnsValuesUpgradesAndUninstallsConvertedReleases() throws Exception {
        String ns = "conv-" + NAMESPACES.incrementAndGet();
        String apps = ns + "-apps";
        fixtures.tillerWithAppsNamespace(ns, apps);
        fixtures.history(ns, "web", apps, 3, Status.Code.DEPLOYED, "replicas: 2\nflag: y\nmode: \"y\"\nport: 0123\n");
        fixtures.history(ns, "gone", apps, 1, Status.Code.DELETED, "");
        fixtures.history(ns, "long", apps, 20, Status.Code.DEPLOYED, "replicas: 3\n");
        fixtures.record(ns, Helm3Fixtures.hooked(apps));
        Map<String, String> v2Before = fixtures.v2Payloads(ns);
        Tiller tiller = awaitTiller(ns, 25);

        Helm3Survey.Preview preview = conversions.survey(tiller, Optional.empty(), 0);
        RemediationPlan plan = RemediationKind.CONVERT_TO_HELM3.plan(new PlanInput(tiller, SETTINGS, List.of(), Map.of(),
                Optional.of(preview)));
        assertThat(plan.refusal()).isEmpty();
        assertThat(preview.releases()).extracting(Helm3Survey.ReleaseConversion::release)
                .containsExactly("gone", "hooked", "long", "web");
        assertThat(preview.releases().stream().mapToInt(r -> r.revisions().size()).sum()).isEqualTo(25);
        assertThat(plan.toAccept()).anyMatch(line -> line.startsWith("hooked: hook hooked-crd is a crd-install hook"))
                .anyMatch(line -> line.startsWith("hooked: hook hooked-fails is a test-failure hook"))
                .anyMatch(line -> line.startsWith("hooked: 1 packaged subchart(s)"))
                // The test API server (1.20) no longer serves CRDs as apiextensions.k8s.io/v1beta1? It does: no warning.
                .noneMatch(line -> line.contains("ConfigMap in v1 is no longer served"));

        RemediationRun run = awaitFinished(executor.start(plan, tiller, ADMIN).id());
        assertThat(run.state()).as(run.error()).isEqualTo(RemediationRun.State.DONE);

        Path kubeconfig = server.writeKubeconfig(dir.resolve("kubeconfig"));
        List<Release> listed = Helm.list().allNamespaces().withKubeConfig(kubeconfig).call();
        assertThat(listed).filteredOn(r -> r.getNamespace().equals(apps))
                .extracting(Release::getName, Release::getRevision, Release::getStatus, Release::getChart, Release::getAppVersion)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("hooked", "1", "deployed", "hooked-1.2.1", "2.0"),
                        org.assertj.core.groups.Tuple.tuple("long", "20", "deployed", "long-1.2.20", "2.0"),
                        org.assertj.core.groups.Tuple.tuple("web", "3", "deployed", "web-1.2.3", "2.0"));
        assertThat(Helm.list().all().withNamespace(apps).withKubeConfig(kubeconfig).call())
                .anyMatch(r -> r.getName().equals("gone") && r.getStatus().equals("uninstalled"));
        List<ReleaseHistory> history = Helm.history("web").withNamespace(apps).withKubeConfig(kubeconfig).call();
        assertThat(history).extracting(ReleaseHistory::getRevision, ReleaseHistory::getStatus, ReleaseHistory::getDescription)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "superseded", "Install complete"),
                        org.assertj.core.groups.Tuple.tuple(2, "superseded", "Upgrade complete"),
                        org.assertj.core.groups.Tuple.tuple(3, "deployed", "Upgrade complete"));
        assertThat(Helm.history("long").withNamespace(apps).withKubeConfig(kubeconfig).call()).hasSize(20)
                .allMatch(h -> h.getStatus().equals(h.getRevision() == 20 ? "deployed" : "superseded"));
        // The Helm 2 values, as go-yaml v2 read them: y is true, "y" a string, 0123 octal.
        assertThat(values("web", apps, kubeconfig)).isEqualTo(Map.of("replicas", 2, "flag", true, "mode", "y", "port", 83));

        // Helm 3 upgrades the converted release with its stored values, and from then on owns it.
        Release upgraded = new Helm(Helm3Fixtures.nextChart(dir, "web")).upgrade().withName("web").withNamespace(apps)
                .withKubeConfig(kubeconfig).call();
        assertThat(upgraded.getRevision()).isEqualTo("4");
        assertThat(Helm.history("web").withNamespace(apps).withKubeConfig(kubeconfig).call())
                .extracting(ReleaseHistory::getRevision, ReleaseHistory::getStatus)
                .endsWith(org.assertj.core.groups.Tuple.tuple(3, "superseded"), org.assertj.core.groups.Tuple.tuple(4, "deployed"));
        assertThat(values("web", apps, kubeconfig)).containsEntry("replicas", 2);
        assertThat(admin.configMaps().inNamespace(apps).withName("web-config").get().getData())
                .containsEntry("version", "1.3.0").containsEntry("replicas", "2");
        assertThat(conversions.undoRefusal(run)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("Helm 3 has acted").contains("sh.helm.release.v1.web.v4 was written by Helm 3"));

        Helm.uninstall("hooked").withNamespace(apps).withKubeConfig(kubeconfig).call();
        assertThat(fixtures.helm3Secrets(apps)).doesNotContainKey("sh.helm.release.v1.hooked.v1").hasSize(25);

        // Tiller keeps every Helm 2 record, but no longer lists them; it runs again for what it still has.
        assertThat(fixtures.v2Payloads(ns)).isEqualTo(v2Before);
        assertThat(fixtures.v2Owners(ns).values()).containsOnly(Helm2History.HANDED_OVER_OWNER);
        assertThat(admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get().getSpec()
                .getReplicas()).isEqualTo(2);
        assertThat(ledger.forRun(run.id())).hasSize(25).noneMatch(Helm3Ledger.Entry::reverted);
    }

    @Test
    void anUndoRemovesEveryHelm3RecordAndGivesTillerItsRecordsBack() {
        String ns = "conv-" + NAMESPACES.incrementAndGet();
        String apps = ns + "-apps";
        fixtures.tillerWithAppsNamespace(ns, apps);
        fixtures.history(ns, "web", apps, 4, Status.Code.DEPLOYED, "replicas: 2\n");
        fixtures.history(ns, "api", apps, 2, Status.Code.FAILED, "replicas: 1\n");
        Map<String, String> v2Before = fixtures.v2Payloads(ns);
        Tiller tiller = awaitTiller(ns, 6);
        RemediationRun conversion = awaitFinished(executor.start(plan(tiller, Optional.empty(), 0), tiller, ADMIN).id());
        assertThat(conversion.state()).as(conversion.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(fixtures.helm3Secrets(apps)).hasSize(6).containsEntry("sh.helm.release.v1.api.v2", "failed");
        assertThat(conversions.undoRefusal(conversion)).isEmpty();

        RemediationRun undo = awaitFinished(executor.startUndo(conversion, ADMIN).id());

        assertThat(undo.state()).as(undo.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(fixtures.helm3Secrets(apps)).isEmpty();
        assertThat(fixtures.v2Payloads(ns)).isEqualTo(v2Before);
        assertThat(fixtures.v2Owners(ns).values()).containsOnly("TILLER");
        assertThat(ledger.forRun(conversion.id())).hasSize(6).allMatch(Helm3Ledger.Entry::reverted);
        assertThat(admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get().getSpec()
                .getReplicas()).isEqualTo(2);
        assertThat(conversions.undoRefusal(conversion)).hasValueSatisfying(reason -> assertThat(reason).contains("undone"));
        await().atMost(Duration.ofSeconds(20)).until(() -> tillerNow(ns).storage().configMapRecords() == 6);
    }

    @Test
    void theNewestRevisionsOnlyLeaveTheOlderOnesInHelm2AndOneReleaseAloneLeavesTheOthers() {
        String ns = "conv-" + NAMESPACES.incrementAndGet();
        String apps = ns + "-apps";
        fixtures.tillerWithAppsNamespace(ns, apps);
        fixtures.history(ns, "long", apps, 20, Status.Code.DEPLOYED, "replicas: 3\n");
        fixtures.history(ns, "other", apps, 1, Status.Code.DEPLOYED, "replicas: 3\n");
        Tiller tiller = awaitTiller(ns, 21);

        RemediationPlan plan = plan(tiller, Optional.of("long"), 10);
        assertThat(plan.toAccept()).contains("long: revisions [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] stay in Helm 2 only (the"
                + " newest 10 are converted); Helm 3 cannot roll back to them");
        RemediationRun run = awaitFinished(executor.start(plan, tiller, ADMIN).id());

        assertThat(run.state()).as(run.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(fixtures.helm3Secrets(apps).keySet()).hasSize(10).allMatch(name -> name.startsWith("sh.helm.release.v1.long.v"))
                .contains("sh.helm.release.v1.long.v11", "sh.helm.release.v1.long.v20");
        assertThat(fixtures.v2Owners(ns)).containsEntry("other.v1", "TILLER").containsEntry("long.v1", Helm2History.HANDED_OVER_OWNER);
    }

    @Test
    void blockersRefuseThePlanEachWithItsReason() {
        String ns = "conv-" + NAMESPACES.incrementAndGet();
        String apps = ns + "-apps";
        fixtures.tillerWithAppsNamespace(ns, apps);
        fixtures.history(ns, "taken", apps, 1, Status.Code.DEPLOYED, "");
        fixtures.history(ns, "a-release-name-longer-than-helm-three-accepts-by-a-bit", apps, 1, Status.Code.DEPLOYED, "");
        fixtures.history(ns, "pending", apps, 2, Status.Code.PENDING_UPGRADE, "");
        fixtures.record(ns, Helm3Fixtures.revision("lost", ns + "-nowhere", 1, Status.Code.DEPLOYED, "").build());
        fixtures.record(ns, Helm3Fixtures.revision("legacy", apps, 1, Status.Code.DEPLOYED, "").setManifest(
                "---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: legacy\n").build());
        admin.secrets().inNamespace(apps).resource(new SecretBuilder().withNewMetadata()
                .withName("sh.helm.release.v1.taken.v1").withLabels(Map.of("owner", "helm", "name", "taken")).endMetadata()
                .withType("helm.sh/release.v1").build()).create();
        Tiller tiller = awaitTiller(ns, 6);

        RemediationPlan plan = plan(tiller, Optional.empty(), 0);
        // Kubernetes 1.16 stopped serving Deployments as extensions/v1beta1: the real API server's discovery says so.
        assertThat(plan.toAccept()).anyMatch(line -> line.startsWith("legacy: Deployment in extensions/v1beta1 is no"
                + " longer served by this cluster"));

        assertThat(plan.refusal()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("taken: namespace " + apps + " already holds a Helm 3 history of taken (Secret sh.helm.release.v1.taken.v1)")
                .contains("a-release-name-longer-than-helm-three-accepts-by-a-bit: Helm 3 refuses release names longer than 53")
                .contains("pending: the newest revision (2) is pending-upgrade")
                .contains("lost: namespace " + ns + "-nowhere does not exist"));
        // One release alone is judged alone: legacy converts (with its warning), taken does not.
        assertThat(plan(tiller, Optional.of("legacy"), 0).refusal()).isEmpty();
        assertThat(plan(tiller, Optional.of("taken"), 0).refusal()).isPresent();
    }

    @Test
    void aForeignRecordAppearingMidRunStopsItAndEverythingWrittenIsRemovedAgain() {
        String ns = "conv-" + NAMESPACES.incrementAndGet();
        String apps = ns + "-apps";
        fixtures.tillerWithAppsNamespace(ns, apps);
        fixtures.history(ns, "web", apps, 5, Status.Code.DEPLOYED, "replicas: 2\n");
        Map<String, String> v2Before = fixtures.v2Payloads(ns);
        Tiller tiller = awaitTiller(ns, 5);
        executor.faults = point -> {
            if (point.equals("converted 2")) {
                // Someone runs helm 3 install for the same name meanwhile.
                admin.secrets().inNamespace(apps).resource(new SecretBuilder().withNewMetadata()
                        .withName("sh.helm.release.v1.web.v3").withLabels(Map.of("owner", "helm", "name", "web"))
                        .endMetadata().withType("helm.sh/release.v1").build()).create();
            }
        };

        RemediationRun run = awaitFinished(executor.start(plan(tiller, Optional.empty(), 0), tiller, ADMIN).id());

        assertThat(run.state()).isEqualTo(RemediationRun.State.FAILED);
        assertThat(run.error()).startsWith("convert: Secret " + apps + "/sh.helm.release.v1.web.v3 appeared during the run"
                + " and is not this conversion's: not overwritten; 2 Helm 3 records it wrote were removed again");
        assertThat(fixtures.helm3Secrets(apps)).containsOnlyKeys("sh.helm.release.v1.web.v3");
        assertThat(fixtures.v2Payloads(ns)).isEqualTo(v2Before);
        assertThat(fixtures.v2Owners(ns).values()).containsOnly("TILLER");
        // Undoing the failed run gives Tiller its replicas back; nothing else is left to undo.
        assertThat(conversions.undoRefusal(run)).isEmpty();
        RemediationRun undo = awaitFinished(executor.startUndo(run, ADMIN).id());
        assertThat(undo.state()).as(undo.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get().getSpec()
                .getReplicas()).isEqualTo(2);
        assertThat(fixtures.helm3Secrets(apps)).containsOnlyKeys("sh.helm.release.v1.web.v3");
    }

    @Autowired
    MigrationBackups backups;

    @Test
    void aConvertedTillerIsRemovedWithItsServiceSecretAccountAndClusterAdminBindingItsRecordsKeptUntilRetention() {
        String ns = "conv-" + NAMESPACES.incrementAndGet();
        String apps = ns + "-apps";
        fixtures.exposedTiller(ns, apps);
        fixtures.history(ns, "web", apps, 2, Status.Code.DEPLOYED, "replicas: 2\n");
        Tiller tiller = awaitTiller(ns, 2);
        assertThat(tiller.rbac().clusterAdmin()).isNotEmpty();
        RemediationPlan early = RemediationKind.REMOVE_TILLER.plan(new PlanInput(tiller, SETTINGS));
        assertThat(early.refusal()).hasValue("1 release is still Helm 2's (web): convert it to Helm 3 first");
        RemediationRun conversion = awaitFinished(executor.start(plan(tiller, Optional.empty(), 0), tiller, ADMIN).id());
        assertThat(conversion.state()).isEqualTo(RemediationRun.State.DONE);
        await().atMost(Duration.ofSeconds(20)).until(() -> tillerNow(ns).records().isEmpty());

        Tiller converted = tillerNow(ns);
        RemediationPlan removal = RemediationKind.REMOVE_TILLER.plan(new PlanInput(converted, SETTINGS));
        assertThat(removal.refusal()).isEmpty();
        assertThat(removal.steps()).filteredOn(step -> step.name().equals("cluster-bindings")).singleElement()
                .satisfies(step -> assertThat(step.before()).contains(ns + "-tiller-admin").contains("cluster-admin"));
        RemediationRun run = awaitFinished(executor.start(removal, converted, ADMIN).id());

        assertThat(run.state()).as(run.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get()).isNull();
        assertThat(admin.services().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get()).isNull();
        assertThat(admin.secrets().inNamespace(ns).withName("tiller-secret").get()).isNull();
        assertThat(admin.serviceAccounts().inNamespace(ns).withName("tiller").get()).isNull();
        assertThat(admin.rbac().clusterRoleBindings().withName(ns + "-tiller-admin").get()).isNull();
        // With the Tiller gone, the conversion's undo is explained away up front, not failed at its quiesce step.
        assertThat(conversions.undoRefusal(conversion)).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("The Tiller was removed by run " + run.id() + ": there is no Tiller to give the releases back"));
        await().atMost(Duration.ofSeconds(20)).until(() -> fleet.tiller("real/" + ns + "/tiller-deploy").isEmpty());
        // Helm 3 keeps its records; the Helm 2 ones wait for their retention, then the sweep deletes them.
        assertThat(fixtures.helm3Secrets(apps)).hasSize(2);
        var kept = admin.configMaps().inNamespace(ns).withLabel("OWNER", Helm2History.HANDED_OVER_OWNER).list().getItems();
        assertThat(kept).hasSize(2).allSatisfy(record -> assertThat(record.getMetadata().getAnnotations())
                .containsKey(StorageMigration.DELETE_AFTER_ANNOTATION));
        backups.deleteExpired();
        assertThat(fixtures.v2Payloads(ns)).hasSize(2);
        kept.forEach(record -> admin.configMaps().inNamespace(ns).withName(record.getMetadata().getName()).edit(cm -> {
            cm.getMetadata().getAnnotations().put(StorageMigration.DELETE_AFTER_ANNOTATION, "2020-01-01T00:00:00Z");
            return cm;
        }));
        backups.deleteExpired();
        assertThat(fixtures.v2Payloads(ns)).isEmpty();
    }

    private RemediationPlan plan(Tiller tiller, Optional<String> release, int newest) {
        return RemediationKind.CONVERT_TO_HELM3.plan(new PlanInput(tiller, SETTINGS, List.of(), Map.of(),
                Optional.of(conversions.survey(tiller, release, newest))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> values(String release, String namespace, Path kubeconfig) {
        String yaml = Helm.get(release).values().withNamespace(namespace).withKubeConfig(kubeconfig).call();
        return (Map<String, Object>) new Yaml().load(yaml);
    }

    private Tiller awaitTiller(String ns, int records) {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("real/" + ns + "/tiller-deploy")
                .map(state -> state.tiller().storage().configMapRecords() == records).orElse(false));
        return tillerNow(ns);
    }

    private Tiller tillerNow(String ns) {
        return fleet.tiller("real/" + ns + "/tiller-deploy").orElseThrow().tiller();
    }

    private RemediationRun awaitFinished(String runId) {
        await().atMost(Duration.ofSeconds(120)).until(() -> runs.find(runId).orElseThrow().finished());
        return runs.find(runId).orElseThrow();
    }
}
