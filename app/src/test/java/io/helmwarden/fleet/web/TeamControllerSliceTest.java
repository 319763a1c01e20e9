package io.helmwarden.fleet.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.check.CheckPolicy;
import io.helmwarden.check.Posture;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.web.WebSliceTest;
import io.helmwarden.web.WebSliceTest.RealCheckCatalog;
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
import org.springframework.mock.web.MockHttpServletResponse;

/** A team's page: its namespaces, its Tillers and their open findings, and nothing of another team's. */
@WebMvcTest(value = TeamController.class, properties = {
        "helmwarden.teams[0].id=payments", "helmwarden.teams[0].display-name=Payments",
        "helmwarden.teams[0].namespaces.lab[0]=payments-tiller", "helmwarden.teams[0].namespaces.lab[1]=payments-web",
        "helmwarden.teams[1].id=search", "helmwarden.teams[1].display-name=Search",
        "helmwarden.teams[1].namespaces.lab[0]=search-tiller"})
@Import(RealCheckCatalog.class)
class TeamControllerSliceTest extends WebSliceTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @Autowired
    CheckCatalog catalog;

    @Autowired
    Teams teams;

    ClusterInventory.TillerState payments;

    @BeforeEach
    void labWithTwoTeamsTillers() {
        payments = tillerState("payments-tiller");
        var search = tillerState("search-tiller");
        var inventory = new ClusterInventory("lab", "Lab", true, NOW, Map.of(), List.of(payments, search), List.of(),
                OptionalInt.of(50));
        var lab = new Cluster("lab", "Lab", "kubeconfig", "https://10.0.0.1", Mockito.mock(KubernetesClient.class));
        given(registry.all()).willReturn(List.of(lab));
        given(registry.find("lab")).willReturn(Optional.of(lab));
        given(fleet.cluster("lab")).willReturn(Optional.of(inventory));
        given(fleet.clusters()).willReturn(List.of(inventory));
    }

    @Test
    void aTeamLeadSeesTheTeamsNamespacesTillersAndOpenFindings() throws Exception {
        assertThat(payments.openFindings()).as("the fixture has open findings").isPositive();
        String page = body("/teams/payments", lead("payments"), 200);
        assertThat(heading(page)).isEqualTo("Team Payments");
        assertThat(breadcrumbs(page)).isEqualTo("Fleet");
        assertThat(text(page, "<p class=\"lead\">", "p")).isEqualTo("Posture " + payments.score() + "/100 · 1 Tillers, "
                + payments.openFindings() + " open findings");
        assertThat(page)
                .contains("<th scope=\"row\">lab</th>")
                .contains("<code class=\"chip\">payments-tiller</code>", "<code class=\"chip\">payments-web</code>")
                .contains("data-tiller=\"lab/payments-tiller/tiller-deploy\"")
                .contains("data-testid=\"team-findings\"", "Release history is unlimited",
                        "<code>lab/payments-tiller/tiller-deploy</code>")
                // nothing of the other team's, though it has the same findings
                .doesNotContain("search-tiller");
    }

    @Test
    void aPlatformAdminSeesAnyTeamsPageWithOnlyThatTeamsTillers() throws Exception {
        String page = body("/teams/search", admin(), 200);
        assertThat(heading(page)).isEqualTo("Team Search");
        assertThat(page)
                .contains("data-tiller=\"lab/search-tiller/tiller-deploy\"", "<code>lab/search-tiller/tiller-deploy</code>")
                .doesNotContain("payments-tiller");
    }

    @Test
    void anotherTeamsPageIsNotFoundExactlyLikeAMissingOneAndStrangersAreSentToSignIn() throws Exception {
        String otherTeams = body("/teams/search", member("payments"), 404);
        String missing = body("/teams/nobody", member("payments"), 404);
        assertThat(heading(otherTeams)).isEqualTo("Not found");
        assertThat(withoutCsrf(otherTeams)).isEqualTo(withoutCsrf(missing)).doesNotContain("Search", "search-tiller");

        MockHttpServletResponse anonymous = mvc.perform(get("/teams/payments").accept(MediaType.TEXT_HTML)).andReturn()
                .getResponse();
        assertThat(anonymous.getStatus()).isEqualTo(302);
        assertThat(anonymous.getHeader("Location")).contains("/oauth2/authorization/");
    }

    private ClusterInventory.TillerState tillerState(String namespace) {
        return tillerState(namespace, teams, catalog, NOW, List.of());
    }}
