package io.helmwarden.fleet.web;

import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.check.CheckPolicy;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.web.WebSliceTest;
import io.helmwarden.web.WebSliceTest.RealCheckCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/** The JSON exports: cut to the viewer like the pages, and 401 (not a sign-in redirect) for tools without a session. */
@WebMvcTest(value = InventoryApiController.class, properties = {
        "helmwarden.teams[0].id=payments", "helmwarden.teams[0].display-name=Payments",
        "helmwarden.teams[0].namespaces.lab[0]=payments-tiller",
        "helmwarden.teams[1].id=search", "helmwarden.teams[1].display-name=Search",
        "helmwarden.teams[1].namespaces.lab[0]=search-tiller"})
@Import(RealCheckCatalog.class)
class InventoryApiControllerSliceTest extends WebSliceTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @Autowired
    CheckCatalog catalog;

    /** The application's clock, answering a known instant. */
    @MockitoBean
    Clock clock;

    @Autowired
    Teams teams;

    ClusterInventory.TillerState payments;
    ClusterInventory.TillerState search;

    @BeforeEach
    void labWithTwoTeamsTillers() {
        given(clock.instant()).willReturn(NOW.plusSeconds(60));
        payments = tillerState("payments-tiller");
        search = tillerState("search-tiller");
        var inventory = new ClusterInventory("lab", "Lab", true, NOW, Map.of(), List.of(payments, search),
                List.of(new ClusterInventory.Helm3Release("legacy", "old-portal", 1, "deployed")), OptionalInt.of(50));
        var lab = new Cluster("lab", "Lab", "kubeconfig", "https://10.0.0.1", Mockito.mock(KubernetesClient.class));
        given(registry.all()).willReturn(List.of(lab));
        given(registry.find("lab")).willReturn(Optional.of(lab));
        given(fleet.cluster("lab")).willReturn(Optional.of(inventory));
        given(fleet.clusters()).willReturn(List.of(inventory));
    }

    @Test
    void theInventoryHoldsOnlyTheTillersTheViewerMaySee() throws Exception {
        mvc.perform(get("/api/inventory").with(member("payments")))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.generatedAt").value("2026-11-23T10:01:00Z"))
                .andExpect(jsonPath("$.clusters", hasSize(1)))
                .andExpect(jsonPath("$.clusters[0].clusterId").value("lab"))
                .andExpect(jsonPath("$.clusters[0].tillers", hasSize(1)))
                .andExpect(jsonPath("$.clusters[0].tillers[0].tiller.namespace").value("payments-tiller"))
                .andExpect(jsonPath("$.clusters[0].tillers[0].tiller.team").value("payments"))
                .andExpect(jsonPath("$.clusters[0].helm3Releases", hasSize(0)));
        mvc.perform(get("/api/inventory").with(admin()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.clusters[0].tillers", hasSize(2)))
                .andExpect(jsonPath("$.clusters[0].helm3Releases[0].name").value("old-portal"));
    }

    @Test
    void theFindingsAreTheViewersOwnMostSevereFirst() throws Exception {
        int own = payments.findings().size();
        mvc.perform(get("/api/findings").with(member("payments")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.count").value(own))
                .andExpect(jsonPath("$.findings", hasSize(own)))
                .andExpect(jsonPath("$.findings[*].tillerId", everyItem(is("lab/payments-tiller/tiller-deploy"))))
                .andExpect(jsonPath("$.findings[0].severity").value("CRITICAL"))
                .andExpect(jsonPath("$.findings[" + (own - 1) + "].severity").value("INFO"));
        mvc.perform(get("/api/findings").with(admin()))
                .andExpect(jsonPath("$.count").value(own + search.findings().size()));
    }

    @Test
    void toolsWithoutASessionGet401NotASignInPage() throws Exception {
        for (String url : List.of("/api/inventory", "/api/findings")) {
            mvc.perform(get(url).accept(MediaType.APPLICATION_JSON))
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().doesNotExist("Location"));
        }
    }

    private ClusterInventory.TillerState tillerState(String namespace) {
        return tillerState(namespace, teams, catalog, NOW, List.of());
    }
}
