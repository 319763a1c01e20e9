package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.release.Status;
import io.helmwarden.support.kube.KubeApiServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Faults at every step boundary and mid-copy, on the real API server: the app "crashes" (an Error thrown at
 * the fault point leaves the step RUNNING in the database, exactly what a killed JVM leaves; the restart is
 * the run claimed after its lease and executed again), or kube-apiserver is killed with SIGKILL and started
 * again while the step goes on. After the run completes, no record is lost, none differs from its original,
 * the ConfigMaps are untouched apart from their backup labels, and the Deployment keeps every other flag.
 * A concurrent writer changing a record mid-run is detected, never overwritten.
 */
@MigrationOnRealApiServer
class StorageMigrationFaultsIT {

    static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final int RECORDS = 25;
    static final String[] ARGS = {"--listen=127.0.0.1:44134", "--history-max=20"};

    /** Every point a fault can strike: before each step, after each step's effect, and mid-copy. */
    static final List<String> POINTS = RunFaults.points(RemediationKind.MIGRATE_STORAGE, "copied 1", "copied " + RECORDS / 2);

    @Autowired
    RemediationExecutor executor;

    @Autowired
    RemediationRuns runs;

    final KubeApiServer server = KubeApiServer.shared();
    final KubernetesClient admin = server.adminClient();
    final MigrationFixtures fixtures = new MigrationFixtures(admin);
    RunFaults faults;

    @org.junit.jupiter.api.BeforeEach
    void faults() {
        faults = new RunFaults(executor, runs, server);
    }

    @AfterEach
    void noMoreFaults() {
        executor.faults = FaultPoint.NONE;
    }

    @Test
    void anAppCrashAtAnyPointIsResumedWithoutLossOrChange() {
        for (String point : POINTS) {
            migrateThrough(List.of(new RunFaults.Fault(point, RunFaults.Kind.APP_CRASH)));
        }
        faults.report("every point, app crash", POINTS.size());
        assertThat(faults.crashes.get()).isEqualTo(POINTS.size());
    }

    @Test
    void aKilledApiServerAtAnyBoundaryIsResumedWithoutLossOrChange() {
        // "after X" and "before X+1" are the same moment for the API server; every boundary once, and mid-copy.
        List<String> points = POINTS.stream().filter(p -> !p.startsWith("after ") || p.equals("after retire")).toList();
        for (String point : points) {
            migrateThrough(List.of(new RunFaults.Fault(point, RunFaults.Kind.API_SERVER_KILL)));
        }
        faults.report("every boundary, API server kill", points.size());
        assertThat(faults.kills.get()).isEqualTo(points.size());
    }

    @Test
    void randomizedFaultsNeverLoseOrAlterARecord() {
        long seed = Long.getLong("helmwarden.faults.seed", System.nanoTime());
        Random random = new Random(seed);
        int runsMade = 8;
        int struck = 0;
        for (int i = 0; i < runsMade; i++) {
            struck += migrateThrough(RunFaults.random(random, POINTS));
        }
        faults.report("randomized, seed " + seed, runsMade);
        assertThat(struck).isPositive();
    }

    @Test
    void aRecordChangedAfterItsCopyIsDetectedAndNotOverwritten() {
        String ns = fixtures.tiller(new HelmInit("faults-" + NAMESPACES.incrementAndGet()).args(ARGS), 1, 6, 0);
        Map<String, String> before = fixtures.configMapPayloads(ns);
        String rewritten = rewrite(ns, "app0.v1");
        executor.faults = point -> {
            if (point.equals("after copy")) {
                writeConcurrently(ns, "app0.v1", rewritten);
            }
        };
        RemediationRun run = newRun(ns);
        executor.execute(run.id());

        RemediationRun failed = runs.find(run.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(RemediationRun.State.FAILED);
        assertThat(failed.error()).isEqualTo("verify: Secret app0.v1 does not match its ConfigMap");
        assertThat(fixtures.secretPayloads(ns)).isEqualTo(before);
        assertThat(fixtures.configMapPayloads(ns).get("app0.v1")).isEqualTo(rewritten);
        assertThat(storageFlag(ns)).isEqualTo("--storage=configmap");
    }

    @Test
    void aRecordChangedAfterVerificationIsNotRetired() {
        String ns = fixtures.tiller(new HelmInit("faults-" + NAMESPACES.incrementAndGet()).args(ARGS), 1, 6, 0);
        Map<String, String> before = fixtures.configMapPayloads(ns);
        String rewritten = rewrite(ns, "app1.v2");
        executor.faults = point -> {
            if (point.equals("before retire")) {
                writeConcurrently(ns, "app1.v2", rewritten);
            }
        };
        RemediationRun run = newRun(ns);
        executor.execute(run.id());

        RemediationRun failed = runs.find(run.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(RemediationRun.State.FAILED);
        assertThat(failed.error()).startsWith("retire: ConfigMap " + ns + "/app1.v2 changed after it was copied");
        assertThat(fixtures.secretPayloads(ns)).isEqualTo(before);
        ConfigMap changed = admin.configMaps().inNamespace(ns).withName("app1.v2").get();
        assertThat(changed.getData().get("release")).isEqualTo(rewritten);
        assertThat(changed.getMetadata().getLabels()).doesNotContainKey(StorageMigration.MIGRATED_LABEL);
    }

    /**
     * Migrates a fresh Tiller while the faults strike (each once, in order of the points reached), restarting
     * after every crash and resuming after every failure, then checks that nothing was lost or altered.
     *
     * @return how many faults struck
     */
    private int migrateThrough(List<RunFaults.Fault> faults) {
        String ns = fixtures.tiller(new HelmInit("faults-" + NAMESPACES.incrementAndGet()).args(ARGS), 2, RECORDS, 0);
        Map<String, String> before = fixtures.configMapPayloads(ns);
        RemediationRun run = newRun(ns);
        int struck = this.faults.runThrough(run, faults);

        assertThat(fixtures.secretPayloads(ns)).as("Secrets after faults %s", faults).isEqualTo(before);
        assertThat(fixtures.configMapPayloads(ns)).as("ConfigMaps after faults %s", faults).isEqualTo(before);
        assertThat(admin.configMaps().inNamespace(ns).withLabel(StorageMigration.MIGRATED_LABEL, "true").list()
                .getItems()).hasSize(RECORDS);
        var deployment = admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get();
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("--listen=127.0.0.1:44134", "--history-max=20", "--storage=secret");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(runs.forTiller(run.tillerId())).hasSize(1);
        return struck;
    }

    private RemediationRun newRun(String ns) {
        return runs.create("real/" + ns + "/" + HelmInit.DEPLOYMENT_NAME, null, RemediationKind.MIGRATE_STORAGE, "admin", ns);
    }

    /** A different, validly encoded payload for a record: what a concurrent Helm client would write. */
    private String rewrite(String ns, String name) {
        String release = name.substring(0, name.indexOf('.'));
        int revision = Integer.parseInt(name.substring(name.indexOf(".v") + 2));
        var record = (ConfigMap) ReleaseRecords.create(MigrationFixtures.release(release, revision,
                Status.Code.SUPERSEDED, 300), ReleaseStorage.CONFIGMAP, ns, Instant.now());
        return record.getData().get("release");
    }

    private void writeConcurrently(String ns, String name, String payload) {
        admin.configMaps().inNamespace(ns).withName(name).edit(cm -> {
            cm.getData().put("release", payload);
            return cm;
        });
    }

    private String storageFlag(String ns) {
        return admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get().getSpec()
                .getTemplate().getSpec().getContainers().get(0).getArgs().stream()
                .filter(arg -> arg.startsWith("--storage")).findFirst().orElse("--storage=configmap");
    }
}
