package io.helmwarden.fleet.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.check.CheckEngine;
import io.helmwarden.check.CheckPolicy;
import io.helmwarden.check.Posture;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterSnapshot;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.ReleaseSummary;
import io.helmwarden.inventory.TillerDiscovery;
import io.helmwarden.rbac.RbacPolicy;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.web.WebSliceTest;
import io.helmwarden.web.WebSliceTest.RealCheckCatalog;
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
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * A Tiller's page and one of its releases, as a team member reads them: what the Tiller is and where, its facts,
 * findings and releases; the live part alone for htmx; another team's Tiller answering exactly like a missing one.
 */
@WebMvcTest(value = TillerController.class, properties = {
        "helmwarden.teams[0].id=payments", "helmwarden.teams[0].display-name=Payments",
        "helmwarden.teams[0].namespaces.lab[0]=payments-tiller",
        "helmwarden.teams[1].id=search", "helmwarden.teams[1].display-name=Search",
        "helmwarden.teams[1].namespaces.lab[0]=search-tiller"})
@Import(RealCheckCatalog.class)
class TillerControllerSliceTest extends WebSliceTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final String PAYMENTS = "/tillers/lab/payments-tiller/tiller-deploy";
    static final String SEARCH = "/tillers/lab/search-tiller/tiller-deploy";

    @Autowired
    CheckCatalog catalog;

    @Autowired
    Teams teams;

    @BeforeEach
    void labWithTwoTeamsTillers() {
        var payments = tillerState("payments-tiller", "payments-api");
        var search = tillerState("search-tiller", "search-api");
        var inventory = new ClusterInventory("lab", "Lab", true, NOW, Map.of(), List.of(payments, search), List.of(),
                OptionalInt.of(50));
        var lab = new Cluster("lab", "Lab", "kubeconfig", "https://10.0.0.1", Mockito.mock(KubernetesClient.class));
        given(registry.all()).willReturn(List.of(lab));
        given(registry.find("lab")).willReturn(Optional.of(lab));
        given(fleet.cluster("lab")).willReturn(Optional.of(inventory));
        given(fleet.clusters()).willReturn(List.of(inventory));
        given(fleet.tiller("lab/payments-tiller/tiller-deploy")).willReturn(Optional.of(payments));
        given(fleet.tiller("lab/search-tiller/tiller-deploy")).willReturn(Optional.of(search));
        given(fleet.summary(eq("lab"), eq("payments-tiller"), any())).willReturn(new ReleaseSummary(Optional.empty(),
                "payments", "payments-api", "1.4.2", "3.2.0", Optional.of(NOW), Optional.of(NOW), "Upgrade complete",
                true, 2));
    }

    @Test
    void theTillerPageSaysWhichTillerItIsWhereAndWhatIsWrongWithIt() throws Exception {
        String page = body(get(PAYMENTS), member("payments"), 200);
        assertThat(heading(page)).isEqualTo("payments-tiller/tiller-deploy on lab");
        assertThat(breadcrumbs(page)).isEqualTo("Fleet › lab › payments-tiller/tiller-deploy");
        assertThat(page)
                .contains("team <strong>payments</strong>")
                // its findings, with the guided fix the check offers
                .contains("Release history is unlimited")
                .contains("href=\"" + PAYMENTS + "/remediations/enable-tls-verify\"")
                // its releases: the newest revision of each, and how many are stored
                .contains("<h2>Releases (1)</h2>")
                .contains("href=\"" + PAYMENTS + "/releases/payments-api\"")
                .contains("2 (2 stored)")
                .doesNotContain("search-api");
    }

    @Test
    void htmxPollingGetsOnlyTheLivePartWhileABrowserGetsTheWholePage() throws Exception {
        String full = body(get(PAYMENTS), member("payments"), 200);
        assertThat(full).contains("<html", "class=\"topbar\"", "aria-label=\"Breadcrumbs\"", "<h1", "id=\"tiller-live\"");

        String fragment = body(get(PAYMENTS).header("HX-Request", "true"), member("payments"), 200);
        assertThat(fragment)
                .contains("id=\"tiller-live\"", "<h2>Facts</h2>", "<h2>Releases (1)</h2>", "payments-api")
                .doesNotContain("<html", "class=\"topbar\"", "aria-label=\"Breadcrumbs\"", "<h1", "Sign out");
        // The fragment polls the address it came from.
        assertThat(fragment).contains("hx-get=\"" + PAYMENTS + "?page=1\"");
    }

    @Test
    void anotherTeamsTillerIsNotFoundExactlyLikeAMissingOneAndStrangersAreSentToSignIn() throws Exception {
        String otherTeams = body(get(SEARCH), member("payments"), 404);
        String missing = body(get("/tillers/lab/nowhere/tiller-deploy"), member("payments"), 404);
        assertThat(heading(otherTeams)).isEqualTo("Not found");
        assertThat(withoutCsrf(otherTeams)).isEqualTo(withoutCsrf(missing)).doesNotContain("search-tiller");
        // Its releases too.
        assertThat(withoutCsrf(body(get(SEARCH + "/releases/search-api"), member("payments"), 404)))
                .isEqualTo(withoutCsrf(missing));
        // Whoever may see it does.
        assertThat(heading(body(get(SEARCH), admin(), 200))).isEqualTo("search-tiller/tiller-deploy on lab");

        MockHttpServletResponse anonymous = mvc.perform(get(PAYMENTS).accept(MediaType.TEXT_HTML)).andReturn()
                .getResponse();
        assertThat(anonymous.getStatus()).isEqualTo(302);
        assertThat(anonymous.getHeader("Location")).contains("/oauth2/authorization/");
    }

    @Test
    void theReleasePageShowsTheNewestRevisionDecodedAndEveryStoredOne() throws Exception {
        String page = body(get(PAYMENTS + "/releases/payments-api"), member("payments"), 200);
        assertThat(heading(page)).isEqualTo("payments-api on lab/payments-tiller/tiller-deploy");
        assertThat(breadcrumbs(page)).isEqualTo("Fleet › lab › payments-tiller/tiller-deploy › release payments-api");
        assertThat(page)
                .contains("<td>payments-api 1.4.2</td>")
                .contains("<code>payments</code>")
                .contains("supplied (never shown: they often hold passwords)")
                .contains("ConfigMap payments-api.v2", "ConfigMap payments-api.v1");
        assertThat(page.indexOf("payments-api.v2")).as("newest first").isLessThan(page.indexOf("payments-api.v1"));
        // A release the Tiller does not hold is not found.
        body(get(PAYMENTS + "/releases/nothing"), member("payments"), 404);
    }

    private ClusterInventory.TillerState tillerState(String namespace, String release) {
        var snapshot = new ClusterSnapshot("lab", NOW, true, Map.of(), List.of(),
                List.of(new HelmInit(namespace).deployment()), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(),
                List.of(record(namespace, release, 2, "DEPLOYED"), record(namespace, release, 1, "SUPERSEDED")),
                List.of());
        var tiller = TillerDiscovery.discover(snapshot, new RbacPolicy(List.of(), List.of(), List.of(), List.of()), teams,
                key -> Optional.empty()).get(0);
        var findings = new CheckEngine(catalog, new CheckPolicy(Map.of(), List.of(), Duration.ofDays(30), ""), teams)
                .evaluate(tiller, NOW);
        return new ClusterInventory.TillerState(tiller, findings, Posture.ofTiller(findings));
    }

    private static ConfigMap record(String namespace, String release, int revision, String status) {
        return new ConfigMapBuilder().withNewMetadata().withName(release + ".v" + revision).withNamespace(namespace)
                .withUid(namespace + "-" + release + "-" + revision).withResourceVersion("1")
                .withLabels(Map.of("OWNER", "TILLER", "NAME", release, "VERSION", String.valueOf(revision),
                        "STATUS", status))
                .endMetadata().withData(Map.of("release", "")).build();
    }

    private String body(org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request,
            RequestPostProcessor who, int status) throws Exception {
        MockHttpServletResponse response = mvc.perform(request.accept(MediaType.TEXT_HTML).with(who)).andReturn()
                .getResponse();
        assertThat(response.getStatus()).as(response.getContentAsString(StandardCharsets.UTF_8)).isEqualTo(status);
        return response.getContentAsString(StandardCharsets.UTF_8);
    }
}
