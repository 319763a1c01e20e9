package io.helmwarden.fleet.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

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
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;

/** A fleet of 120 Tillers is shown 50 at a time; the page number is clamped and survives htmx refreshes. */
@WebMvcTest(FleetController.class)
@Import(RealCheckCatalog.class)
class FleetPagingTest extends WebSliceTest {

    @org.springframework.beans.factory.annotation.Autowired
    CheckCatalog catalog;

    @BeforeEach
    void fleetOf120() {
        List<HasMetadata> deployments = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            deployments.add(new HelmInit(String.format("team-%03d", i)).deployment());
        }
        var snapshot = new ClusterSnapshot("lab", Instant.now(), true, Map.of(), List.of(),
                deployments.stream().map(d -> (io.fabric8.kubernetes.api.model.apps.Deployment) d).toList(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        var teams = new Teams(List.of());
        var engine = new CheckEngine(catalog, new CheckPolicy(Map.of(), List.of(), Duration.ofDays(30), ""), teams);
        List<ClusterInventory.TillerState> states = TillerDiscovery.discover(snapshot,
                        new RbacPolicy(List.of(), List.of(), List.of(), List.of()), teams, key -> Optional.empty()).stream()
                .map(tiller -> {
                    var findings = engine.evaluate(tiller, Instant.now());
                    return new ClusterInventory.TillerState(tiller, findings, Posture.ofTiller(findings));
                }).toList();
        var inventory = new ClusterInventory("lab", "Lab", true, Instant.now(), Map.of(), states, List.of(),
                OptionalInt.of(50));
        given(registry.all()).willReturn(List.of(new Cluster("lab", "Lab", "kubeconfig", "https://10.0.0.1",
                Mockito.mock(KubernetesClient.class))));
        given(health.status("lab")).willReturn(new ClusterStatus("lab", ClusterStatus.Reachability.REACHABLE, "v1.20.2",
                Instant.now(), Instant.now(), null));
        given(fleet.cluster("lab")).willReturn(Optional.of(inventory));
        given(fleet.clusters()).willReturn(List.of(inventory));
    }

    @Test
    void fiftyTillersAPageTheLastOneHoldingTheRest() throws Exception {
        String first = page("/");
        assertThat(rows(first)).isEqualTo(50);
        assertThat(first).contains("Page 1 of 3").contains("team-000/tiller-deploy").doesNotContain("team-050/");
        String last = page("/?page=3&sort=name");
        assertThat(rows(last)).isEqualTo(20);
        assertThat(last).contains("Page 3 of 3");
        // Out of range or not a number: the nearest page, never an error.
        assertThat(page("/?page=99")).contains("Page 3 of 3");
        assertThat(page("/?page=abc")).contains("Page 1 of 3");
        // The live refresh asks for the page it shows.
        assertThat(mvc.perform(get("/").param("page", "2").header("HX-Request", "true").with(admin()))
                .andReturn().getResponse().getContentAsString()).contains("hx-get=\"/?page=2\"", "Page 2 of 3");
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url).with(admin()).accept(MediaType.TEXT_HTML)).andReturn().getResponse()
                .getContentAsString();
    }

    private static long rows(String html) {
        return Pattern.compile("data-tiller=\"").matcher(html).results().count();
    }
}
