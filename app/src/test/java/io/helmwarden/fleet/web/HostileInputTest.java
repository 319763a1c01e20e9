package io.helmwarden.fleet.web;

import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.check.CheckEngine;
import io.helmwarden.check.CheckPolicy;
import io.helmwarden.check.Posture;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterSnapshot;
import io.helmwarden.cluster.ClusterStatus;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.TillerDiscovery;
import io.helmwarden.rbac.RbacPolicy;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.web.WebSliceTest;
import io.helmwarden.web.WebSliceTest.RealCheckCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Names, images, annotations and environment values come from clusters, where anyone who may write a
 * Deployment can put anything in them: they must be rendered inert, whatever they hold.
 */
@WebMvcTest({FleetController.class, TillerController.class})
@Import(RealCheckCatalog.class)
class HostileInputTest extends WebSliceTest {

    static final String SCRIPT = "<script>alert('owned')</script>";
    static final String IMAGE = "evil.example/tiller:v2.16.1" + SCRIPT;
    static final String REASON = "<img src=x onerror=alert(1)> accepted by \u202Eexe.gnp";
    static final String LONG = "x".repeat(5000);

    @Autowired
    CheckCatalog catalog;

    @BeforeEach
    void hostileFleet() {
        var init = new HelmInit("team-tiller").image(IMAGE).args("--listen=" + LONG);
        List<HasMetadata> objects = new ArrayList<>(init.objects());
        var deployment = (io.fabric8.kubernetes.api.model.apps.Deployment) objects.get(0);
        deployment.getMetadata().setAnnotations(Map.of(CheckPolicy.EXEMPT_ANNOTATION, "grpc-no-tls",
                CheckPolicy.EXEMPT_REASON_ANNOTATION, REASON));
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
                .add(new io.fabric8.kubernetes.api.model.EnvVar("DB_PASSWORD", "hunter2", null));
        var snapshot = new ClusterSnapshot("lab", Instant.now(), true, Map.of("Secret", SCRIPT), List.of(),
                List.of(deployment), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                // A record with only its owner label, as a hand-made or damaged one can be: no time, no revision.
                List.of(), List.of(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
                        .withName("bare.v3").withNamespace("team-tiller").withUid("bare-uid").withResourceVersion("1")
                        .withLabels(Map.of("OWNER", "TILLER")).endMetadata().build()), List.of());
        var teams = new Teams(List.of());
        var tiller = TillerDiscovery.discover(snapshot, new RbacPolicy(List.of(), List.of(), List.of(), List.of()), teams,
                key -> Optional.empty()).get(0);
        var findings = new CheckEngine(catalog, new CheckPolicy(Map.of(), List.of(), Duration.ofDays(30), ""), teams)
                .evaluate(tiller, Instant.now());
        var state = new ClusterInventory.TillerState(tiller, findings, Posture.ofTiller(findings));
        var inventory = new ClusterInventory("lab", "Lab " + SCRIPT, true, Instant.now(), Map.of("Secret", SCRIPT),
                List.of(state), List.of(), OptionalInt.of(state.score()));
        var cluster = new Cluster("lab", "Lab " + SCRIPT, "kubeconfig " + SCRIPT, "https://" + LONG,
                Mockito.mock(KubernetesClient.class));
        given(registry.all()).willReturn(List.of(cluster));
        given(health.status("lab")).willReturn(new ClusterStatus("lab", ClusterStatus.Reachability.UNREACHABLE, null,
                Instant.now(), null, SCRIPT));
        given(fleet.cluster("lab")).willReturn(Optional.of(inventory));
        given(fleet.clusters()).willReturn(List.of(inventory));
        given(fleet.tiller(tiller.id())).willReturn(Optional.of(state));
    }

    @Test
    void theFleetPageRendersHostileTextInert() throws Exception {
        mvc.perform(get("/").with(admin()))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(
                        containsString("&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;"),
                        not(containsString(SCRIPT)))));
    }

    @Test
    void theTillerPageRendersHostileTextInertAndHidesOtherEnvironmentValues() throws Exception {
        mvc.perform(get("/tillers/lab/team-tiller/tiller-deploy").with(admin()))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(
                        containsString("&lt;img src=x onerror=alert(1)&gt;"),
                        containsString("\u202Eexe.gnp"),
                        not(containsString(SCRIPT)),
                        not(containsString("<img src=x")),
                        containsString("DB_PASSWORD"),
                        not(containsString("hunter2")),
                        // the bare record: release and revision from its name, no time to show
                        containsString(">bare</a>"),
                        containsString("3 (1 stored)"))));
    }
}
