package io.helmwarden.remediation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.remediation.MigrationBackups;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationPermission;
import io.helmwarden.remediation.RemediationProperties;
import io.helmwarden.remediation.RemediationRun;
import io.helmwarden.remediation.RemediationRuns;
import io.helmwarden.remediation.RunParameters;
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
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * The remediation runs: the list of recent ones the viewer may see and a run's progress, each as a full page
 * for a browser and as the fragment htmx polls; another team's run answers exactly like a missing one.
 */
@WebMvcTest(value = RemediationRunController.class, properties = {
        "helmwarden.teams[0].id=payments", "helmwarden.teams[0].display-name=Payments",
        "helmwarden.teams[0].namespaces.lab[0]=payments-tiller",
        "helmwarden.teams[1].id=search", "helmwarden.teams[1].display-name=Search",
        "helmwarden.teams[1].namespaces.lab[0]=search-tiller"})
@Import({RemediationPermission.class, io.helmwarden.remediation.PersonRights.class,
        RemediationSliceSettings.class})
class RemediationRunControllerSliceTest extends WebSliceTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final String RUNNING = "11111111-1111-1111-1111-111111111111";
    static final String FAILED = "22222222-2222-2222-2222-222222222222";
    static final String SEARCHS = "33333333-3333-3333-3333-333333333333";

    @MockitoBean
    io.helmwarden.remediation.Helm3Conversions conversions;

    @MockitoBean
    CheckCatalog catalog;

    @MockitoBean
    RemediationExecutor executor;

    @MockitoBean
    RemediationRuns runs;

    @MockitoBean
    MigrationBackups backups;

    @Autowired
    Teams teams;

    @BeforeEach
    void runsOfTwoTeams() {
        var payments = tillerState("payments-tiller");
        var search = tillerState("search-tiller");
        var inventory = new ClusterInventory("lab", "Lab", true, NOW, Map.of(), List.of(payments, search), List.of(),
                OptionalInt.of(50));
        var lab = new Cluster("lab", "Lab", "kubeconfig", "https://10.0.0.1", Mockito.mock(KubernetesClient.class));
        given(registry.all()).willReturn(List.of(lab));
        given(fleet.cluster("lab")).willReturn(Optional.of(inventory));
        given(fleet.tiller("lab/payments-tiller/tiller-deploy")).willReturn(Optional.of(payments));
        given(fleet.tiller("lab/search-tiller/tiller-deploy")).willReturn(Optional.of(search));

        var running = run(RUNNING, "payments-tiller", "payments", "limit-history", RemediationRun.State.RUNNING, "alex",
                null, List.of(new RemediationRun.StepState(0, "history", RemediationRun.StepStatus.RUNNING, NOW, null,
                        null)));
        var failed = run(FAILED, "payments-tiller", "payments", "deny-ingress", RemediationRun.State.FAILED, "alex",
                "the API server refused the NetworkPolicy", List.of(new RemediationRun.StepState(0, "network-policy",
                        RemediationRun.StepStatus.FAILED, NOW, NOW, "403 Forbidden")));
        var searchs = run(SEARCHS, "search-tiller", "search", "limit-history", RemediationRun.State.DONE, "sam", null,
                List.of(new RemediationRun.StepState(0, "history", RemediationRun.StepStatus.DONE, NOW, NOW, "done")));
        given(runs.recent(100)).willReturn(List.of(running, failed, searchs));
        given(runs.find(RUNNING)).willReturn(Optional.of(running));
        given(runs.find(FAILED)).willReturn(Optional.of(failed));
        given(runs.find(SEARCHS)).willReturn(Optional.of(searchs));
    }

    @Test
    void theRunsListShowsTheViewersRunsAsAPageOrAsTheFragmentHtmxRefreshes() throws Exception {
        String page = body(get("/remediations"), member("payments"), 200);
        assertThat(heading(page)).isEqualTo("Remediations");
        assertThat(page)
                .contains("<html", "class=\"topbar\"", "The most recent runs you may see.", "id=\"runs\"")
                .contains("lab / payments-tiller/tiller-deploy", "limit-history", "deny-ingress", "0 of 1 steps")
                .contains("href=\"/remediation-runs/" + RUNNING + "\"", "href=\"/remediation-runs/" + FAILED + "\"")
                .doesNotContain("search-tiller", SEARCHS, "<td>sam</td>")
                // a run goes on: the list follows it
                .contains("hx-trigger=\"every 2s\"");

        String fragment = body(get("/remediations").header("HX-Request", "true"), member("payments"), 200);
        assertThat(fragment)
                .contains("id=\"runs\"", "href=\"/remediation-runs/" + RUNNING + "\"", "hx-trigger=\"every 2s\"")
                .doesNotContain("<html", "class=\"topbar\"", "<h1", "search-tiller");
    }

    @Test
    void aRunsProgressIsAPageOrTheFragmentHtmxPolls() throws Exception {
        String page = body(get("/remediation-runs/" + RUNNING), member("payments"), 200);
        assertThat(heading(page)).isEqualTo("Limit release history on lab/payments-tiller/tiller-deploy");
        assertThat(breadcrumbs(page)).isEqualTo("Fleet › lab › payments-tiller/tiller-deploy › Limit release history");
        assertThat(page).contains("<html", "class=\"topbar\"", "id=\"progress\"", ">RUNNING</span>",
                "requested by <span>alex</span>", "<td>history</td>", "hx-trigger=\"every 1s\"");

        String fragment = body(get("/remediation-runs/" + RUNNING).header("HX-Request", "true"), member("payments"), 200);
        assertThat(fragment)
                .contains("id=\"progress\"", ">RUNNING</span>", "<td>history</td>",
                        "hx-get=\"/remediation-runs/" + RUNNING + "\"")
                .doesNotContain("<html", "class=\"topbar\"", "<h1", "aria-label=\"Breadcrumbs\"");
    }

    @Test
    void aFailedRunSaysWhyAndOffersToResumeOnlyToWhoMayRunIt() throws Exception {
        String lead = body(get("/remediation-runs/" + FAILED), lead("payments"), 200);
        assertThat(heading(lead)).isEqualTo("Deny network ingress to the Tiller pods on lab/payments-tiller/tiller-deploy");
        assertThat(lead).contains(">FAILED</span>", "the API server refused the NetworkPolicy", "403 Forbidden",
                "data-testid=\"resume\"", "action=\"/remediation-runs/" + FAILED + "/resume\"")
                .doesNotContain("hx-trigger=\"every 1s\"");
        String member = body(get("/remediation-runs/" + FAILED), member("payments"), 200);
        assertThat(member).contains("the API server refused the NetworkPolicy").doesNotContain("data-testid=\"resume\"");
    }

    @Test
    void anotherTeamsRunIsNotFoundExactlyLikeAMissingOneAndStrangersAreSentToSignIn() throws Exception {
        String otherTeams = body(get("/remediation-runs/" + SEARCHS), member("payments"), 404);
        String missing = body(get("/remediation-runs/44444444-4444-4444-4444-444444444444"), member("payments"), 404);
        assertThat(heading(otherTeams)).isEqualTo("Not found");
        assertThat(withoutCsrf(otherTeams)).isEqualTo(withoutCsrf(missing)).doesNotContain("search-tiller");
        // The polled fragment too.
        body(get("/remediation-runs/" + SEARCHS).header("HX-Request", "true"), member("payments"), 404);
        // Whoever may see it does.
        assertThat(body(get("/remediation-runs/" + SEARCHS), admin(), 200)).contains("requested by <span>sam</span>");

        MockHttpServletResponse anonymous = mvc.perform(get("/remediations").accept(MediaType.TEXT_HTML)).andReturn()
                .getResponse();
        assertThat(anonymous.getStatus()).isEqualTo(302);
        assertThat(anonymous.getHeader("Location")).contains("/oauth2/authorization/");
        // htmx polling after the session ended: a full refresh, not a sign-in page swapped into the fragment.
        MockHttpServletResponse polling = mvc.perform(get("/remediation-runs/" + RUNNING).header("HX-Request", "true"))
                .andReturn().getResponse();
        assertThat(polling.getHeader("HX-Refresh")).isEqualTo("true");
    }

    private ClusterInventory.TillerState tillerState(String namespace) {
        return tillerState(namespace, teams, null, NOW, List.of());
    }

    private static RemediationRun run(String id, String namespace, String team, String remediation,
            RemediationRun.State state, String by, String error, List<RemediationRun.StepState> steps) {
        return new RemediationRun(id, "lab/" + namespace + "/tiller-deploy", team, remediation, state, by, NOW, NOW, null,
                null, error, steps, RunParameters.none(), java.util.Optional.empty());
    }

    private String body(MockHttpServletRequestBuilder request, RequestPostProcessor who, int status) throws Exception {
        MockHttpServletResponse response = mvc.perform(request.accept(MediaType.TEXT_HTML).with(who)).andReturn()
                .getResponse();
        assertThat(response.getStatus()).as(response.getContentAsString(StandardCharsets.UTF_8)).isEqualTo(status);
        return response.getContentAsString(StandardCharsets.UTF_8);
    }
}
