package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.cluster.SecretData;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.release.Helm3Records;
import io.helmwarden.release.ReleaseRecordCodec;
import io.helmwarden.release.hapi.release.Status;
import io.helmwarden.support.kube.KubeApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A conversion to Helm 3 struck by faults at every step boundary and mid-write, on the real API server (see
 * {@link RunFaults}): every run ends fully converted — each revision's Helm 3 record present once, equal to its Helm 2
 * revision converted again, every Helm 2 record handed over unchanged, Tiller's replicas restored — or, undone,
 * fully reverted. Randomized faults print their seed ({@code -Dhelmwarden.faults.seed} replays them).
 */
@MigrationOnRealApiServer
class Helm3ConversionFaultsIT {

    static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final int RELEASES = 3;
    static final int REVISIONS = 4;
    static final List<String> POINTS = RunFaults.points(RemediationKind.CONVERT_TO_HELM3, "converted 1",
            "converted " + RELEASES * REVISIONS / 2);

    @Autowired
    FleetState fleet;

    @Autowired
    RemediationExecutor executor;

    @Autowired
    RemediationRuns runs;

    @Autowired
    Helm3Conversions conversions;

    final KubeApiServer server = KubeApiServer.shared();
    final KubernetesClient admin = server.adminClient();
    final Helm3Fixtures fixtures = new Helm3Fixtures(admin);
    RunFaults faults;

    @BeforeEach
    void faults() {
        faults = new RunFaults(executor, runs, server);
    }

    @AfterEach
    void noMoreFaults() {
        executor.faults = FaultPoint.NONE;
    }

    @Test
    void anAppCrashAtAnyPointEndsFullyConverted() {
        for (String point : POINTS) {
            convertThrough(List.of(new RunFaults.Fault(point, RunFaults.Kind.APP_CRASH)), false);
        }
        faults.report("conversion, every point, app crash", POINTS.size());
        assertThat(faults.crashes.get()).isEqualTo(POINTS.size());
    }

    @Test
    void aKilledApiServerAtEveryBoundaryAndMidWriteEndsFullyConverted() {
        List<String> points = POINTS.stream().filter(p -> !p.startsWith("after ") || p.equals("after resume")).toList();
        for (String point : points) {
            convertThrough(List.of(new RunFaults.Fault(point, RunFaults.Kind.API_SERVER_KILL)), false);
        }
        faults.report("conversion, every boundary, API server kill", points.size());
        assertThat(faults.kills.get()).isEqualTo(points.size());
    }

    @Test
    void randomizedFaultsEndFullyConvertedOrFullyReverted() {
        long seed = Long.getLong("helmwarden.faults.seed", System.nanoTime());
        Random random = new Random(seed);
        int runsMade = 6;
        int struck = 0;
        for (int i = 0; i < runsMade; i++) {
            struck += convertThrough(RunFaults.random(random, POINTS), random.nextBoolean());
        }
        faults.report("conversion, randomized, seed " + seed + ", every other run undone", runsMade);
        assertThat(struck).isPositive();
    }

    /**
     * Converts a fresh Tiller's releases while the faults strike, then checks it is fully converted; with
     * {@code undo}, undoes it afterwards and checks it is fully reverted.
     *
     * @return how many faults struck
     */
    private int convertThrough(List<RunFaults.Fault> strike, boolean undo) {
        String ns = "conv-faults-" + NAMESPACES.incrementAndGet();
        String apps = ns + "-apps";
        fixtures.tillerWithAppsNamespace(ns, apps);
        for (int r = 0; r < RELEASES; r++) {
            fixtures.history(ns, "app" + r, apps, REVISIONS, Status.Code.DEPLOYED, "replicas: " + r + "\n");
        }
        Map<String, String> v2Before = fixtures.v2Payloads(ns);
        Tiller tiller = awaitTiller(ns, RELEASES * REVISIONS);
        RemediationPlan plan = RemediationKind.CONVERT_TO_HELM3.plan(new PlanInput(tiller, Helm3ConversionIT.SETTINGS,
                List.of(), Map.of(), Optional.of(conversions.survey(tiller, Optional.empty(), 0))));
        RemediationRun run = runs.create(tiller.id(), null, RemediationKind.CONVERT_TO_HELM3, "admin",
                tiller.storage().namespace(), plan.parameters());

        int struck = faults.runThrough(run, strike);

        Map<String, String> written = fixtures.helm3Secrets(apps);
        assertThat(written).as("Helm 3 records after faults %s", strike).hasSize(RELEASES * REVISIONS);
        for (int r = 0; r < RELEASES; r++) {
            for (int revision = 1; revision <= REVISIONS; revision++) {
                String name = Helm3Records.secretName("app" + r, revision);
                assertThat(written).containsEntry(name, revision == REVISIONS ? "deployed" : "superseded");
                var secret = admin.secrets().inNamespace(apps).withName(name).get();
                var expected = Helm3Survey.convert(decoded(v2Before.get("app" + r + ".v" + revision))).json().release();
                assertThat(decode(SecretData.text(secret, "release").orElseThrow()))
                        .isEqualTo(reparsed(expected));
            }
        }
        assertThat(fixtures.v2Payloads(ns)).isEqualTo(v2Before);
        assertThat(fixtures.v2Owners(ns).values()).containsOnly(Helm2History.HANDED_OVER_OWNER);
        assertThat(replicas(ns)).isEqualTo(2);
        if (undo) {
            RemediationRun undone = runs.find(executor.startUndo(runs.find(run.id()).orElseThrow(), Helm3ConversionIT.ADMIN)
                    .id()).orElseThrow();
            await().atMost(Duration.ofSeconds(60)).until(() -> runs.find(undone.id()).orElseThrow().finished());
            assertThat(runs.find(undone.id()).orElseThrow().state()).isEqualTo(RemediationRun.State.DONE);
            assertThat(fixtures.helm3Secrets(apps)).isEmpty();
            assertThat(fixtures.v2Payloads(ns)).isEqualTo(v2Before);
            assertThat(fixtures.v2Owners(ns).values()).containsOnly("TILLER");
            assertThat(replicas(ns)).isEqualTo(2);
        }
        return struck;
    }

    private int replicas(String ns) {
        return admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get().getSpec().getReplicas();
    }

    private static io.helmwarden.release.hapi.release.Release decoded(String payload) {
        try {
            return ReleaseRecordCodec.decode(payload);
        } catch (io.helmwarden.release.ReleaseDecodingException e) {
            throw new AssertionError(e);
        }
    }

    private static tools.jackson.databind.JsonNode decode(String payload) {
        try {
            return Helm3Records.decode(payload);
        } catch (io.helmwarden.release.ReleaseDecodingException e) {
            throw new AssertionError(e);
        }
    }

    /** Trees compared as read back: number node types depend on how a tree was built. */
    private static tools.jackson.databind.JsonNode reparsed(tools.jackson.databind.JsonNode built) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(built.toString());
    }

    private Tiller awaitTiller(String ns, int records) {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("real/" + ns + "/tiller-deploy")
                .map(state -> state.tiller().storage().configMapRecords() == records).orElse(false));
        return fleet.tiller("real/" + ns + "/tiller-deploy").orElseThrow().tiller();
    }
}
