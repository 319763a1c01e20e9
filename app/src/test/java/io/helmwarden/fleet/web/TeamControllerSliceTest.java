package io.helmwarden.fleet.web;

import static io.helmwarden.fleet.web.TillerControllerSliceTest.breadcrumbs;
import static io.helmwarden.fleet.web.TillerControllerSliceTest.heading;
import static io.helmwarden.fleet.web.TillerControllerSliceTest.member;
import static io.helmwarden.fleet.web.TillerControllerSliceTest.text;
import static io.helmwarden.fleet.web.TillerControllerSliceTest.withoutCsrf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.check.CheckEngine;
import io.helmwarden.check.CheckPolicy;
import io.helmwarden.check.Posture;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterSnapshot;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.TillerDiscovery;
import io.helmwarden.rbac.RbacPolicy;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.RoleMapper;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.web.WebSliceTest;
import java.nio.charset.StandardCharsets;
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
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/** A team's page: its namespaces, its Tillers and their open findings, and nothing of another team's. */
@WebMvcTest(value = TeamController.class, properties = {
        "helmwarden.teams[0].id=payments", "helmwarden.teams[0].display-name=Payments",
        "helmwarden.teams[0].namespaces.lab[0]=payments-tiller", "helmwarden.teams[0].namespaces.lab[1]=payments-web",
        "helmwarden.teams[1].id=search", "helmwarden.teams[1].display-name=Search",
        "helmwarden.teams[1].namespaces.lab[0]=search-tiller"})
@Import(TeamControllerSliceTest.Catalog.class)
class TeamControllerSliceTest extends WebSliceTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @TestConfiguration
    static class Catalog {
        @Bean
        CheckCatalog checkCatalog() {
            return new CheckCatalog(new CheckPolicy(Map.of(), List.of(), Duration.ofDays(30), "../config/checks"));
        }
    }

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
        var snapshot = new ClusterSnapshot("lab", NOW, true, Map.of(), List.of(),
                List.of(new HelmInit(namespace).deployment()), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of());
        var tiller = TillerDiscovery.discover(snapshot, new RbacPolicy(List.of(), List.of(), List.of(), List.of()), teams,
                key -> Optional.empty()).get(0);
        var findings = new CheckEngine(catalog, new CheckPolicy(Map.of(), List.of(), Duration.ofDays(30), ""), teams)
                .evaluate(tiller, NOW);
        return new ClusterInventory.TillerState(tiller, findings, Posture.ofTiller(findings));
    }

    private static RequestPostProcessor lead(String team) {
        return oidcLogin().authorities(new SimpleGrantedAuthority(Role.TEAM_LEAD.authority()),
                new SimpleGrantedAuthority(Role.TEAM_MEMBER.authority()),
                new SimpleGrantedAuthority(RoleMapper.LEAD_PREFIX + team),
                new SimpleGrantedAuthority(RoleMapper.TEAM_PREFIX + team));
    }

    private String body(String url, RequestPostProcessor who, int status) throws Exception {
        MockHttpServletResponse response = mvc.perform(get(url).accept(MediaType.TEXT_HTML).with(who)).andReturn()
                .getResponse();
        assertThat(response.getStatus()).as(response.getContentAsString(StandardCharsets.UTF_8)).isEqualTo(status);
        return response.getContentAsString(StandardCharsets.UTF_8);
    }
}
