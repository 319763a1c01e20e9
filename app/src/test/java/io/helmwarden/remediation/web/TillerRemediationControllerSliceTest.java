package io.helmwarden.remediation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.pki.CertificateAuthorities;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationPermission;
import io.helmwarden.remediation.RemediationProperties;
import io.helmwarden.remediation.RemediationRun;
import io.helmwarden.remediation.RemediationRuns;
import io.helmwarden.remediation.RunParameters;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.web.WebSliceTest;
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
 * A remediation's plan on a Tiller's page: what it changes, before and after, the earlier runs of that
 * remediation, and the run form only for who may run it. An unknown remediation answers 404, like a Tiller of
 * another team.
 */
@WebMvcTest(value = TillerRemediationController.class, properties = {
        "helmwarden.teams[0].id=payments", "helmwarden.teams[0].display-name=Payments",
        "helmwarden.teams[0].namespaces.lab[0]=payments-tiller",
        "helmwarden.teams[1].id=search", "helmwarden.teams[1].display-name=Search",
        "helmwarden.teams[1].namespaces.lab[0]=search-tiller"})
@Import({RemediationPermission.class, io.helmwarden.remediation.PersonRights.class,
        RemediationSliceSettings.class})
class TillerRemediationControllerSliceTest extends WebSliceTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final String PAYMENTS = "/tillers/lab/payments-tiller/tiller-deploy";

    @MockitoBean
    io.helmwarden.remediation.Helm3Conversions conversions;

    @MockitoBean
    CheckCatalog catalog;

    @MockitoBean
    RemediationExecutor executor;

    @MockitoBean
    RemediationRuns runs;

    @MockitoBean
    CertificateAuthorities certificates;

    @Autowired
    Teams teams;

    @BeforeEach
    void labWithTwoTeamsTillers() {
        var payments = tillerState("payments-tiller");
        var search = tillerState("search-tiller");
        var inventory = new ClusterInventory("lab", "Lab", true, NOW, Map.of(), List.of(payments, search), List.of(),
                OptionalInt.of(50));
        var lab = new Cluster("lab", "Lab", "kubeconfig", "https://10.0.0.1", Mockito.mock(KubernetesClient.class));
        given(registry.all()).willReturn(List.of(lab));
        given(registry.find("lab")).willReturn(Optional.of(lab));
        given(fleet.cluster("lab")).willReturn(Optional.of(inventory));
        given(fleet.tiller("lab/payments-tiller/tiller-deploy")).willReturn(Optional.of(payments));
        given(fleet.tiller("lab/search-tiller/tiller-deploy")).willReturn(Optional.of(search));
        given(runs.forTiller("lab/payments-tiller/tiller-deploy")).willReturn(List.of(
                run("limit-history", RemediationRun.State.DONE, "alex"),
                run("deny-ingress", RemediationRun.State.FAILED, "sam")));
    }

    @Test
    void theLeadOfTheTillersTeamSeesThePlanBeforeAndAfterAndMayRunIt() throws Exception {
        String page = body(PAYMENTS + "/remediations/limit-history", lead("payments"), 200);
        assertThat(heading(page)).isEqualTo("Limit release history on lab/payments-tiller/tiller-deploy");
        assertThat(breadcrumbs(page)).isEqualTo("Fleet › lab › payments-tiller/tiller-deploy › Limit release history");
        assertThat(page)
                .contains("<strong>Keep at most 200 revisions per release</strong>")
                .contains("<pre>history-max: unlimited</pre>")
                .contains("history-max: 200 (the flag where written")
                .doesNotContain("data-testid=\"refusal\"")
                .contains("data-testid=\"run-remediation\"", "Type <code>lab/payments-tiller/tiller-deploy</code> to confirm")
                .contains("action=\"" + PAYMENTS + "/remediations/limit-history\"")
                // the earlier runs of this remediation only
                .contains("<h2>Earlier runs</h2>", "DONE (by alex)")
                .doesNotContain("(by sam)");
    }

    @Test
    void aTeamMemberMayPreviewButNotRun() throws Exception {
        String page = body(PAYMENTS + "/remediations/limit-history", member("payments"), 200);
        assertThat(heading(page)).isEqualTo("Limit release history on lab/payments-tiller/tiller-deploy");
        assertThat(page)
                .contains("<strong>Keep at most 200 revisions per release</strong>")
                .contains("Your role may preview this remediation but not run it.")
                .doesNotContain("data-testid=\"run-remediation\"", "data-testid=\"confirm\"");
        // The lead does not read that sentence.
        assertThat(body(PAYMENTS + "/remediations/limit-history", lead("payments"), 200))
                .doesNotContain("Your role may preview this remediation but not run it.");
    }

    @Test
    void anUnknownRemediationOrAnotherTeamsTillerIsNotFound() throws Exception {
        String unknown = body(PAYMENTS + "/remediations/format-disk", lead("payments"), 404);
        assertThat(heading(unknown)).isEqualTo("Not found");
        // A remediation that is real but not planned from a Tiller's page is not found either.
        assertThat(withoutCsrf(body(PAYMENTS + "/remediations/provision-tiller", lead("payments"), 404)))
                .isEqualTo(withoutCsrf(unknown));
        // Another team's Tiller answers exactly like a missing one.
        String otherTeams = body("/tillers/lab/search-tiller/tiller-deploy/remediations/limit-history", lead("payments"), 404);
        String missing = body("/tillers/lab/nowhere/tiller-deploy/remediations/limit-history", lead("payments"), 404);
        assertThat(withoutCsrf(otherTeams)).isEqualTo(withoutCsrf(missing)).isEqualTo(withoutCsrf(unknown))
                .doesNotContain("search-tiller");

        MockHttpServletResponse anonymous = mvc.perform(get(PAYMENTS + "/remediations/limit-history")
                .accept(MediaType.TEXT_HTML)).andReturn().getResponse();
        assertThat(anonymous.getStatus()).isEqualTo(302);
        assertThat(anonymous.getHeader("Location")).contains("/oauth2/authorization/");
    }

    @Test
    void aConversionPreviewShowsWhatHelm3WillHoldAndRefusesOddChoices() throws Exception {
        var web = new io.helmwarden.remediation.Helm3Survey.ReleaseConversion("web", "payments-tiller", List.of(
                new io.helmwarden.remediation.Helm3Survey.RevisionConversion(1, "sh.helm.release.v1.web.v1", "superseded", 1468),
                new io.helmwarden.remediation.Helm3Survey.RevisionConversion(2, "sh.helm.release.v1.web.v2", "deployed", 1472)),
                List.of(), List.of(), List.of("the chart's tillerVersion constraint >=2.10.0"), List.of());
        var blocked = new io.helmwarden.remediation.Helm3Survey.ReleaseConversion("db", "payments-tiller", List.of(),
                List.of(), List.of("the newest revision (3) is pending-upgrade: Helm 3 would refuse every operation on it"),
                List.of(), List.of());
        given(conversions.survey(org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.eq(Optional.empty()),
                org.mockito.ArgumentMatchers.eq(0))).willReturn(new io.helmwarden.remediation.Helm3Survey.Preview(
                List.of(blocked, web), 0, Optional.empty()));
        String page = body(PAYMENTS + "/remediations/migrate-to-helm3", lead("payments"), 200);
        assertThat(heading(page)).isEqualTo("Convert releases to Helm 3 on lab/payments-tiller/tiller-deploy");
        assertThat(text(page, "<section", "section")).contains("What Helm 3 will hold");
        assertThat(page).contains("<code>sh.helm.release.v1.web.v2</code>", "1,472 bytes",
                        "Not carried: the chart&#39;s tillerVersion constraint &gt;=2.10.0",
                        "Cannot run: db: the newest revision (3) is pending-upgrade")
                .contains("href=\"" + PAYMENTS + "/remediations/migrate-to-helm3?release=web&amp;revisions=0\"")
                .doesNotContain("data-testid=\"run-remediation\"");
        // A release name is a label value, nothing else; a count is a count.
        body(PAYMENTS + "/remediations/migrate-to-helm3?release=web,OWNER%3Dx", lead("payments"), 400);
        body(PAYMENTS + "/remediations/migrate-to-helm3?revisions=-1", lead("payments"), 400);
    }

    private ClusterInventory.TillerState tillerState(String namespace) {
        return tillerState(namespace, teams, null, NOW, List.of());
    }

    private static RemediationRun run(String remediation, RemediationRun.State state, String by) {
        return new RemediationRun(java.util.UUID.nameUUIDFromBytes(remediation.getBytes()).toString(),
                "lab/payments-tiller/tiller-deploy", "payments", remediation, state, by, NOW, NOW, null, null, null,
                List.of(), RunParameters.none(), java.util.Optional.empty());
    }
}
