package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.check.Finding;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.release.Status;
import io.helmwarden.support.kube.KubeApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * ConfigMap → Secret migration against the real API server: hundreds of records of every status, some near
 * the object size limit; flags kept in either layout; replicas restored; the finding gone; a conflicting
 * Secret stops the run untouched; two requests for one Tiller run once; a run cut off after copying resumes
 * without duplicating or altering anything.
 */
@MigrationOnRealApiServer
class StorageMigrationIT {

    static final AuditEvent.Actor ADMIN = new AuditEvent.Actor("admin", "Alex Admin", "PLATFORM_ADMIN");
    static final AtomicInteger NAMESPACES = new AtomicInteger();

    @Autowired
    FleetState fleet;

    @Autowired
    RemediationExecutor executor;

    @Autowired
    RemediationRuns runs;

    final KubernetesClient admin = KubeApiServer.shared().adminClient();
    final MigrationFixtures fixtures = new MigrationFixtures(admin);

    @Test
    void migratesHundredsOfRecordsKeepingEveryFlag() {
        String ns = fixtures.tiller(new HelmInit("mig-" + NAMESPACES.incrementAndGet()).serviceAccount("tiller")
                .args("--listen=127.0.0.1:44134", "--history-max=20"), 3, 240, 2);
        Tiller tiller = awaitTiller(ns, 242);
        assertThat(checks(tiller)).contains("releases-in-configmaps");
        Map<String, String> before = fixtures.configMapPayloads(ns);

        RemediationRun run = migrate(tiller);
        RemediationRun done = awaitFinished(run.id());

        assertThat(done.state()).as(done.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(fixtures.secretPayloads(ns)).isEqualTo(before);
        var deployment = admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get();
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getArgs()).containsExactly("--listen=127.0.0.1:44134", "--history-max=20", "--storage=secret");
        assertThat(container.getCommand()).isNullOrEmpty();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(admin.configMaps().inNamespace(ns).withLabel(StorageMigration.MIGRATED_LABEL, "true").list().getItems())
                .hasSize(242);
        await().atMost(Duration.ofSeconds(20)).until(() -> !checks(tillerNow(ns)).contains("releases-in-configmaps"));
        assertThat(done.steps()).allSatisfy(step -> assertThat(step.status()).isEqualTo(RemediationRun.StepStatus.DONE));
    }

    @Test
    void rollbackBringsBackConfigMapStorageWithEverythingTillerWroteMeanwhile() {
        String ns = fixtures.tiller(new HelmInit("mig-" + NAMESPACES.incrementAndGet()).args("--listen=127.0.0.1:44134"), 2, 8, 0);
        Tiller tiller = awaitTiller(ns, 8);
        RemediationRun migration = awaitFinished(migrate(tiller).id());
        assertThat(migration.state()).isEqualTo(RemediationRun.State.DONE);

        // Tiller, now on Secrets, upgrades app0: revision 5 is new, revision 4 is rewritten as superseded.
        Instant now = Instant.now();
        var v5 = (Secret) ReleaseRecords.create(MigrationFixtures.release("app0", 5, Status.Code.DEPLOYED, 100), ReleaseStorage.SECRET, ns, now);
        admin.secrets().inNamespace(ns).resource(v5).create();
        var v4 = (Secret) ReleaseRecords.create(MigrationFixtures.release("app0", 4, Status.Code.SUPERSEDED, 100), ReleaseStorage.SECRET, ns, now);
        admin.secrets().inNamespace(ns).withName("app0.v4").edit(secret -> {
            secret.setData(v4.getData());
            secret.getMetadata().getLabels().put("STATUS", "SUPERSEDED");
            return secret;
        });
        Map<String, String> secretsBefore = fixtures.secretPayloads(ns);

        RemediationRun rollback = awaitFinished(executor.startRollback(migration, ADMIN).id());

        assertThat(rollback.state()).as(rollback.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(fixtures.configMapPayloads(ns)).isEqualTo(secretsBefore).hasSize(9);
        assertThat(admin.configMaps().inNamespace(ns).withName("app0.v4").get().getMetadata().getLabels())
                .containsEntry("STATUS", "SUPERSEDED").doesNotContainKey(StorageMigration.MIGRATED_LABEL);
        var deployment = admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get();
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("--listen=127.0.0.1:44134", "--storage=configmap");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);

        // Back on ConfigMaps, Tiller rewrites app0.v5; migrating again refreshes our stale copy, not refuses.
        var rewritten = (ConfigMap) ReleaseRecords.create(MigrationFixtures.release("app0", 5, Status.Code.SUPERSEDED, 100),
                ReleaseStorage.CONFIGMAP, ns, now);
        admin.configMaps().inNamespace(ns).withName("app0.v5").edit(cm -> {
            cm.setData(rewritten.getData());
            return cm;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> checks(tillerNow(ns)).contains("releases-in-configmaps"));
        RemediationRun again = awaitFinished(migrate(tillerNow(ns)).id());
        assertThat(again.state()).as(again.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(fixtures.secretPayloads(ns)).isEqualTo(fixtures.configMapPayloads(ns)).hasSize(9);
        assertThat(admin.secrets().inNamespace(ns).withName("app0.v5").get().getMetadata().getAnnotations())
                .doesNotContainKey(StorageMigration.STALE_COPY_ANNOTATION);
    }

    @Autowired
    MigrationBackups backups;

    @Test
    void backupsGoWhenDeletedNowButNeverFromARolledBackTiller() {
        String ns = fixtures.tiller(new HelmInit("mig-" + NAMESPACES.incrementAndGet()), 1, 6, 0);
        RemediationRun migration = awaitFinished(migrate(awaitTiller(ns, 6)).id());
        assertThat(admin.configMaps().inNamespace(ns).withLabel(StorageMigration.MIGRATED_LABEL, "true").list().getItems())
                .hasSize(6).allSatisfy(cm -> assertThat(Instant.parse(cm.getMetadata().getAnnotations()
                        .get(StorageMigration.DELETE_AFTER_ANNOTATION))).isAfter(Instant.now().plus(Duration.ofDays(6))));
        Map<String, String> secrets = fixtures.secretPayloads(ns);

        // Retention has not ended: the sweep keeps them.
        backups.deleteExpired();
        assertThat(fixtures.configMapPayloads(ns)).hasSize(6);

        assertThat(backups.deleteNow(migration, ADMIN)).isEqualTo(6);
        assertThat(fixtures.configMapPayloads(ns)).isEmpty();
        assertThat(fixtures.secretPayloads(ns)).isEqualTo(secrets);
        await().atMost(Duration.ofSeconds(20)).until(() -> !checks(tillerNow(ns)).contains("stale-records-other-storage"));

        // A rolled-back Tiller reads its ConfigMaps again: nothing of it is ever deleted.
        String other = fixtures.tiller(new HelmInit("mig-" + NAMESPACES.incrementAndGet()), 1, 3, 0);
        RemediationRun second = awaitFinished(migrate(awaitTiller(other, 3)).id());
        awaitFinished(executor.startRollback(second, ADMIN).id());
        assertThat(backups.deleteNow(second, ADMIN)).isZero();
        assertThat(fixtures.configMapPayloads(other)).hasSize(3);
    }

    @Test
    void aStorageFlagInCommandIsRewrittenInPlace() {
        String ns = fixtures.tiller(new HelmInit("mig-" + NAMESPACES.incrementAndGet())
                .command("/tiller", "--storage=configmap", "-listen=127.0.0.1:44134"), 1, 5, 0);
        RemediationRun done = awaitFinished(migrate(awaitTiller(ns, 5)).id());
        assertThat(done.state()).as(done.error()).isEqualTo(RemediationRun.State.DONE);
        var container = admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get()
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getCommand()).containsExactly("/tiller", "--storage=secret", "-listen=127.0.0.1:44134");
        assertThat(container.getArgs()).isNullOrEmpty();
    }

    @Test
    void aSecretWithDifferentContentStopsTheRunAndChangesNothing() {
        String ns = fixtures.tiller(new HelmInit("mig-" + NAMESPACES.incrementAndGet()), 2, 10, 0);
        Tiller tiller = awaitTiller(ns, 10);
        String victim = tiller.records().get(0).objectName();
        admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(victim).endMetadata()
                .withData(Map.of("release", Base64.getEncoder().encodeToString("someone else's".getBytes()))).build())
                .create();

        RemediationRun failed = awaitFinished(migrate(tiller).id());

        assertThat(failed.state()).isEqualTo(RemediationRun.State.FAILED);
        assertThat(failed.error()).contains("preflight", victim, "different content");
        assertThat(admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get().getSpec()
                .getReplicas()).isEqualTo(2);
        assertThat(fixtures.secretPayloads(ns)).hasSize(1);
        assertThat(runs.forTiller(tiller.id())).hasSize(1);

        // Once the conflicting Secret is gone, the same run resumes from its failed step and completes.
        admin.secrets().inNamespace(ns).withName(victim).delete();
        executor.resumeFailed(failed, ADMIN);
        RemediationRun resumed = awaitFinished(failed.id());
        assertThat(resumed.state()).as(resumed.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(fixtures.secretPayloads(ns)).isEqualTo(fixtures.configMapPayloads(ns)).hasSize(10);
        assertThat(runs.forTiller(tiller.id())).hasSize(1);
    }

    @Test
    void missingRightsAreNamedBeforeAnythingChanges() {
        String ns = fixtures.tiller(new HelmInit("mig-" + NAMESPACES.incrementAndGet()), 1, 3, 0);
        Tiller tiller = awaitTiller(ns, 3);
        // The same run, executed with an identity that may only read: preflight names what is missing.
        RemediationRun run = runs.create(tiller.id(), null, RemediationKind.MIGRATE_STORAGE, "admin", ns);
        var readOnly = KubeApiServer.shared().clientAs("read-only-warden");
        assertThatThrownBy(() -> MigrationFixtures.step(readOnly, run, runs, "preflight"))
                .hasMessageContaining("may not create secrets in " + ns)
                .hasMessageContaining("update apps/deployments in " + ns);
        runs.finish(run.id(), RemediationRun.State.FAILED, "test");
    }

    @Test
    void twoRequestsForOneTillerRunOnce() {
        String ns = fixtures.tiller(new HelmInit("mig-" + NAMESPACES.incrementAndGet()), 1, 30, 0);
        Tiller tiller = awaitTiller(ns, 30);
        RemediationRun first = migrate(tiller);
        assertThatThrownBy(() -> migrate(tiller))
                .isInstanceOf(RemediationRuns.AlreadyRunning.class);
        assertThat(awaitFinished(first.id()).state()).isEqualTo(RemediationRun.State.DONE);
        assertThat(runs.forTiller(tiller.id())).hasSize(1);
    }

    @Test
    void aRunCutOffAfterCopyingResumesWithoutDuplicatingOrAltering() {
        String ns = fixtures.tiller(new HelmInit("mig-" + NAMESPACES.incrementAndGet()), 2, 40, 0);
        Tiller tiller = awaitTiller(ns, 40);
        Map<String, String> before = fixtures.configMapPayloads(ns);
        // As if the app died right after copying, before recording it: preflight and quiesce recorded done,
        // the copy's effect in the cluster, its step still RUNNING.
        RemediationRun run = runs.create(tiller.id(), null, RemediationKind.MIGRATE_STORAGE, "admin", ns);
        for (int step = 0; step < 2; step++) {
            runs.stepStarted(run.id(), step);
            runs.stepFinished(run.id(), step, RemediationRun.StepStatus.DONE,
                    MigrationFixtures.step(admin, runs.find(run.id()).orElseThrow(), runs, RemediationKind.MIGRATE_STORAGE.stepNames().get(step)));
        }
        runs.stepStarted(run.id(), 2);
        MigrationFixtures.step(admin, runs.find(run.id()).orElseThrow(), runs, "copy");
        // A live worker's run cannot be claimed by another replica; once the lease has passed (simulated by a
        // negative lease), it can.
        assertThat(runs.claim(run.id(), RemediationExecutor.LEASE)).isFalse();
        assertThat(runs.claim(run.id(), Duration.ofMillis(-1000))).isTrue();

        executor.execute(run.id());

        RemediationRun resumed = runs.find(run.id()).orElseThrow();
        assertThat(resumed.state()).as(resumed.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(resumed.steps().get(2).detail()).isEqualTo("0 Secrets created, 40 already there and identical");
        assertThat(fixtures.secretPayloads(ns)).isEqualTo(before);
        assertThat(admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get().getSpec()
                .getReplicas()).isEqualTo(2);
    }

    private Tiller awaitTiller(String ns, int records) {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("real/" + ns + "/tiller-deploy")
                .map(state -> state.tiller().storage().configMapRecords() == records).orElse(false));
        return tillerNow(ns);
    }

    private Tiller tillerNow(String ns) {
        return fleet.tiller("real/" + ns + "/tiller-deploy").orElseThrow().tiller();
    }

    private List<String> checks(Tiller tiller) {
        return fleet.tiller(tiller.id()).orElseThrow().findings().stream().map(Finding::checkId).toList();
    }

    private RemediationRun awaitFinished(String runId) {
        await().atMost(Duration.ofSeconds(120)).until(() -> runs.find(runId).orElseThrow().finished());
        return runs.find(runId).orElseThrow();
    }

    private RemediationRun migrate(Tiller tiller) {
        return executor.start(MigrationFixtures.migration(tiller), tiller, ADMIN);
    }
}
