package io.helmwarden.web;

import static io.helmwarden.web.Logins.admin;
import static io.helmwarden.web.Logins.lead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.helmwarden.audit.AuditFilter;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.fleet.FleetState;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * Ownership from the UI: a platform admin gives the demo's unowned ci-tiller namespace to team data, whose lead
 * then sees and may remediate that Tiller; restrict-scope no longer asks for an owner; the configuration's
 * namespaces cannot be given away; taking it back makes it unowned again; each change is audited for the team.
 */
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:namespace-ownership;DB_CLOSE_DELAY=-1",
        "helmwarden.demo.idp.port=0"})
@ActiveProfiles("demo")
@AutoConfigureMockMvc
class NamespaceOwnershipIT {

    static final String CI_TILLER = "staging/ci-tiller/tiller-deploy";

    @Autowired
    MockMvc mvc;

    @Autowired
    FleetState fleet;

    @Autowired
    AuditLog audit;

    @Test
    void anAdminGivesAnUnownedNamespaceToATeamAndTakesItBack() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller(CI_TILLER).isPresent());
        assertThat(fleet.tiller(CI_TILLER).orElseThrow().tiller().team()).isEmpty();
        assertThat(status(get("/tillers/" + CI_TILLER), lead("data"))).isEqualTo(404);
        assertThat(html("/tillers/" + CI_TILLER + "/remediations/restrict-scope", admin()))
                .contains("no team owns this Tiller: a platform admin gives its namespace to a team");

        assertThat(status(post("/clusters/staging/namespaces").param("namespace", "ci-tiller").param("team", "data")
                .with(csrf()), lead("data"))).as("only platform admins").isEqualTo(403);
        var given = mvc.perform(post("/clusters/staging/namespaces").param("namespace", "ci-tiller").param("team", "data")
                .with(csrf()).with(admin())).andReturn();
        assertThat(given.getResponse().getRedirectedUrl()).isEqualTo("/clusters/staging#ownership");
        assertThat(given.getFlashMap().get("notice")).isEqualTo("Namespace ci-tiller now belongs to team data, and so do"
                + " its Tillers.");

        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.tiller(CI_TILLER).orElseThrow().tiller().team()
                .equals(Optional.of("data")));
        assertThat(status(get("/tillers/" + CI_TILLER), lead("data"))).isEqualTo(200);
        assertThat(html("/tillers/" + CI_TILLER + "/remediations/restrict-scope", lead("data")))
                .doesNotContain("no team owns this Tiller").contains("data-testid=\"run-remediation\"");
        assertThat(html("/clusters/staging", admin())).contains("assigned by", "data-testid=\"take-back\"");
        assertThat(audit.find(new AuditFilter(null, null, null, "namespace-assigned", null, null, null, Set.of("data")),
                null, 5)).singleElement().satisfies(entry -> assertThat(entry.target()).isEqualTo("staging/ci-tiller/Namespace ci-tiller"));

        var configured = mvc.perform(post("/clusters/prod-eu/namespaces").param("namespace", "payments-tiller")
                .param("team", "search").with(csrf()).with(admin())).andReturn();
        assertThat(configured.getFlashMap().get("ownershipError")).isEqualTo("payments-tiller is given to a team by the"
                + " configuration (helmwarden.teams): change it there.");
        var again = mvc.perform(post("/clusters/staging/namespaces").param("namespace", "ci-tiller").param("team", "search")
                .with(csrf()).with(admin())).andReturn();
        assertThat(again.getFlashMap().get("ownershipError")).isEqualTo("ci-tiller already belongs to team data: take it"
                + " back first.");
        var hostile = mvc.perform(post("/clusters/staging/namespaces").param("namespace", "<script>x</script>")
                .param("team", "data").with(csrf()).with(admin())).andReturn();
        assertThat((String) hostile.getFlashMap().get("ownershipError")).endsWith("is not a namespace name.");

        mvc.perform(post("/clusters/staging/namespaces/ci-tiller/release").with(csrf()).with(admin()));
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.tiller(CI_TILLER).orElseThrow().tiller().team().isEmpty());
        assertThat(status(get("/tillers/" + CI_TILLER), lead("data"))).isEqualTo(404);
        assertThat(audit.find(new AuditFilter(null, null, null, "namespace-unassigned", null, null, null, Set.of("data")),
                null, 5)).hasSize(1);
    }

    private int status(org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request,
            RequestPostProcessor who) throws Exception {
        return mvc.perform(request.accept(MediaType.TEXT_HTML).with(who)).andReturn().getResponse().getStatus();
    }

    private String html(String path, RequestPostProcessor who) throws Exception {
        return mvc.perform(get(path).accept(MediaType.TEXT_HTML).with(who)).andReturn().getResponse().getContentAsString();
    }
}
