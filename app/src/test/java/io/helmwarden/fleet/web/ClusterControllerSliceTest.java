package io.helmwarden.fleet.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.check.CheckPolicy;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterStatus;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.tenancy.NamespaceAssignments;
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
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * A cluster's page: its reachability, the Tillers the viewer may see, how far migration to Helm 3 has come, and
 * for platform admins who owns which namespace. A cluster where the viewer's teams own nothing answers 404.
 */
@WebMvcTest(value = ClusterController.class, properties = {
        "helmwarden.teams[0].id=payments", "helmwarden.teams[0].display-name=Payments",
        "helmwarden.teams[0].namespaces.lab[0]=payments-tiller", "helmwarden.teams[0].namespaces.lab[1]=payments-web",
        "helmwarden.teams[1].id=search", "helmwarden.teams[1].display-name=Search",
        "helmwarden.teams[1].namespaces.lab[0]=search-tiller"})
@Import(RealCheckCatalog.class)
class ClusterControllerSliceTest extends WebSliceTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @MockitoBean
    NamespaceAssignments assignments;

    @Autowired
    Teams teams;

    @BeforeEach
    void labAndAClusterNoTeamOwnsAnythingOn() {
        var payments = tillerState("payments-tiller");
        var search = tillerState("search-tiller");
        var inventory = new ClusterInventory("lab", "Lab cluster", true, NOW, Map.of(), List.of(payments, search),
                List.of(new ClusterInventory.Helm3Release("payments-web", "web", 3, "deployed"),
                        new ClusterInventory.Helm3Release("legacy", "old-portal", 1, "deployed")),
                OptionalInt.of(60));
        var lab = new Cluster("lab", "Lab cluster", "kubeconfig", "https://10.0.0.1", Mockito.mock(KubernetesClient.class));
        var prod = new Cluster("prod", "Production", "kubeconfig", "https://10.0.0.2", Mockito.mock(KubernetesClient.class));
        given(registry.all()).willReturn(List.of(lab, prod));
        given(registry.find("lab")).willReturn(Optional.of(lab));
        given(registry.find("prod")).willReturn(Optional.of(prod));
        given(health.status("lab")).willReturn(new ClusterStatus("lab", ClusterStatus.Reachability.REACHABLE, "v1.20.2",
                NOW, NOW, null));
        given(health.status("prod")).willReturn(new ClusterStatus("prod", ClusterStatus.Reachability.UNREACHABLE, null,
                NOW, null, "connection refused"));
        given(fleet.cluster("lab")).willReturn(Optional.of(inventory));
        // prod is watched with an error, and nothing of it belongs to a team
        given(fleet.cluster("prod")).willReturn(Optional.of(new ClusterInventory("prod", "Production", true, NOW,
                Map.of("Secret", "secrets is forbidden"), List.of(), List.of(), OptionalInt.empty())));
        given(fleet.clusters()).willReturn(List.of(inventory));
    }

    @Test
    void aPlatformAdminSeesTheWholeClusterAndWhoOwnsEachNamespace() throws Exception {
        String page = body("/clusters/lab", admin(), 200);
        assertThat(heading(page)).isEqualTo("Lab cluster");
        assertThat(breadcrumbs(page)).isEqualTo("Fleet › lab");
        assertThat(text(page, "<div class=\"alert alert-info\">", "div"))
                .isEqualTo("Reachable, Kubernetes v1.20.2; last checked 2026-11-23 10:00 UTC.");
        assertThat(page)
                .contains("<h2>Tillers (2)</h2>")
                .contains("data-tiller=\"lab/payments-tiller/tiller-deploy\"", "data-tiller=\"lab/search-tiller/tiller-deploy\"")
                // one Helm 2 release per Tiller; Helm 3 releases in two namespaces, the unowned one included
                .contains("<strong>2</strong> Helm 2 releases remain;", "<strong>2</strong> namespaces hold Helm 3 releases.")
                .contains("web v3 deployed", "old-portal v1 deployed")
                .contains("<h2 id=\"ownership\">Namespace ownership</h2>")
                .contains("data-namespace=\"payments-web\"", "data-namespace=\"search-tiller\"");
    }

    @Test
    void aTeamMemberSeesOnlyTheirTeamsPartOfTheCluster() throws Exception {
        String page = body("/clusters/lab", member("payments"), 200);
        assertThat(heading(page)).isEqualTo("Lab cluster");
        assertThat(page)
                .contains("<h2>Tillers (1)</h2>")
                .contains("data-tiller=\"lab/payments-tiller/tiller-deploy\"")
                .doesNotContain("search-tiller")
                .contains("<strong>1</strong> Helm 2 releases remain;", "<strong>1</strong> namespaces hold Helm 3 releases.")
                .contains("web v3 deployed")
                .doesNotContain("old-portal")
                .doesNotContain("Namespace ownership");
    }

    @Test
    void aClusterWhereTheirTeamsOwnNothingIsNotFoundExactlyLikeAMissingOne() throws Exception {
        String owningNothing = body("/clusters/prod", member("payments"), 404);
        String missing = body("/clusters/nowhere", member("payments"), 404);
        assertThat(heading(owningNothing)).isEqualTo("Not found");
        assertThat(withoutCsrf(owningNothing)).isEqualTo(withoutCsrf(missing)).doesNotContain("Production");
        // A platform admin sees it.
        String seen = body("/clusters/prod", admin(), 200);
        assertThat(heading(seen)).isEqualTo("Production");
        assertThat(seen).contains("Unreachable: <span>connection refused</span>",
                "Cannot watch Secret: secrets is forbidden", "<h2>Tillers (0)</h2>", "No Tiller here that you may see.");

        MockHttpServletResponse anonymous = mvc.perform(get("/clusters/lab").accept(MediaType.TEXT_HTML)).andReturn()
                .getResponse();
        assertThat(anonymous.getStatus()).isEqualTo(302);
        assertThat(anonymous.getHeader("Location")).contains("/oauth2/authorization/");
    }

    private ClusterInventory.TillerState tillerState(String namespace) {
        return tillerState(namespace, teams, null, NOW, List.of(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("app.v1").withNamespace(namespace).withUid(namespace + "-app")
                .withResourceVersion("1").withLabels(Map.of("OWNER", "TILLER", "NAME", "app", "VERSION", "1",
                        "STATUS", "DEPLOYED")).endMetadata().build()));
    }
}
