package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.support.kube.KubeApiServer;
import io.helmwarden.support.kube.RealApiServerCluster;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.RoleMapper;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * "Migrate all Tillers of this team" on the real API server, through the web layer: one confirmation starts
 * one run per Tiller still on ConfigMaps that the lead may remediate; a Tiller whose plan refuses (a shell
 * command) is listed and left alone; another team's Tiller is never touched; a member starts nothing.
 */
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:bulk-migration;DB_CLOSE_DELAY=-1",
        "spring.security.oauth2.client.registration.test.client-id=helm-warden",
        "spring.security.oauth2.client.registration.test.authorization-grant-type=authorization_code",
        "spring.security.oauth2.client.registration.test.redirect-uri={baseUrl}/login/oauth2/code/test",
        "spring.security.oauth2.client.provider.test.authorization-uri=https://idp.invalid/authorize",
        "spring.security.oauth2.client.provider.test.token-uri=https://idp.invalid/token",
        "helmwarden.inventory-refresh=200ms",
        "helmwarden.teams[0].id=bulk",
        "helmwarden.teams[0].display-name=Bulk",
        "helmwarden.teams[0].lead-groups=bulk-leads",
        "helmwarden.teams[0].namespaces.real=bulk-a,bulk-b,bulk-c,bulk-shell,bulk-conv,bulk-conv-apps"})
@AutoConfigureMockMvc
@Import(RealApiServerCluster.class)
class BulkMigrationIT {

    @Autowired
    MockMvc mvc;

    @Autowired
    FleetState fleet;

    @Autowired
    RemediationRuns runs;

    final KubernetesClient admin = KubeApiServer.shared().adminClient();
    final MigrationFixtures fixtures = new MigrationFixtures(admin);

    @Test
    void oneConfirmationMigratesEveryTillerOfTheTeamThatCanBe() throws Exception {
        fixtures.tiller(new HelmInit("bulk-a"), 1, 12, 0);
        fixtures.tiller(new HelmInit("bulk-b").args("--history-max=10"), 2, 7, 0);
        fixtures.tiller(new HelmInit("bulk-shell").command("/bin/sh", "-c", "/tiller --storage=configmap"), 1, 3, 0);
        fixtures.tiller(new HelmInit("bulk-other"), 1, 4, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> Stream.of("bulk-a", "bulk-b", "bulk-shell", "bulk-other")
                .allMatch(ns -> fleet.tiller("real/" + ns + "/tiller-deploy").isPresent()));

        String preview = mvc.perform(get("/remediations/migrate-storage-to-secrets").param("team", "bulk").with(lead()))
                .andReturn().getResponse().getContentAsString();
        assertThat(preview).contains("real / bulk-a/tiller-deploy", "real / bulk-b/tiller-deploy",
                "real / bulk-shell/tiller-deploy", "starts through a shell", "12 records to Secrets", "7 records to Secrets",
                "2 Tillers will be migrated when you confirm")
                .doesNotContain("bulk-other");

        var wrongConfirmation = mvc.perform(post("/remediations/migrate-storage-to-secrets").param("team", "bulk")
                .param("confirm", "bulk-a").with(lead()).with(csrf())).andReturn().getResponse();
        assertThat(wrongConfirmation.getStatus()).isEqualTo(400);
        assertThat(runs.recent(10)).isEmpty();

        var memberTry = mvc.perform(post("/remediations/migrate-storage-to-secrets").param("team", "bulk")
                .param("confirm", "bulk").with(member()).with(csrf())).andReturn().getResponse();
        assertThat(memberTry.getStatus()).isEqualTo(409);
        assertThat(runs.recent(10)).isEmpty();

        var started = mvc.perform(post("/remediations/migrate-storage-to-secrets").param("team", "bulk")
                .param("confirm", "bulk").with(lead()).with(csrf())).andReturn().getResponse();
        assertThat(started.getStatus()).isEqualTo(302);
        assertThat(started.getRedirectedUrl()).startsWith("/remediations?ids=");

        await().atMost(Duration.ofSeconds(60)).until(() -> runs.recent(10).size() == 2
                && runs.recent(10).stream().allMatch(RemediationRun::finished));
        assertThat(runs.recent(10)).allSatisfy(run -> assertThat(run.state()).as(run.error())
                .isEqualTo(RemediationRun.State.DONE));
        assertThat(runs.recent(10)).extracting(RemediationRun::namespace).containsExactlyInAnyOrder("bulk-a", "bulk-b");
        assertThat(fixtures.secretPayloads("bulk-a")).isEqualTo(fixtures.configMapPayloads("bulk-a")).hasSize(12);
        assertThat(fixtures.secretPayloads("bulk-b")).isEqualTo(fixtures.configMapPayloads("bulk-b")).hasSize(7);
        assertThat(fixtures.secretPayloads("bulk-shell")).isEmpty();
        assertThat(fixtures.secretPayloads("bulk-other")).isEmpty();

        String list = mvc.perform(get(started.getRedirectedUrl()).with(lead())).andReturn().getResponse()
                .getContentAsString();
        assertThat(list).contains("real / bulk-a/tiller-deploy", "real / bulk-b/tiller-deploy", "DONE");

        // Then everything to Helm 3, the same way: only what may be converted is, the rest is named with its reason.
        new Helm3Fixtures(admin).tillerWithAppsNamespace("bulk-conv", "bulk-conv-apps");
        new Helm3Fixtures(admin).history("bulk-conv", "web", "bulk-conv-apps", 3, io.helmwarden.release.hapi.release
                .Status.Code.DEPLOYED, "replicas: 2\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("real/bulk-conv/tiller-deploy")
                .map(state -> state.tiller().records().size() == 3).orElse(false));
        String conversion = mvc.perform(get("/remediations/migrate-to-helm3").param("team", "bulk").with(lead()))
                .andReturn().getResponse().getContentAsString();
        assertThat(conversion).contains("Convert everything to Helm 3 for every Tiller of team Bulk",
                "1 release into bulk-conv-apps", "namespace apps is no team&#39;s, not the Tiller&#39;s team&#39;s",
                "1 Tiller will be converted when you confirm").doesNotContain("bulk-other");
        var converting = mvc.perform(post("/remediations/migrate-to-helm3").param("team", "bulk")
                .param("confirm", "bulk").with(lead()).with(csrf())).andReturn().getResponse();
        assertThat(converting.getRedirectedUrl()).startsWith("/remediations?ids=");
        String runId = converting.getRedirectedUrl().substring("/remediations?ids=".length());
        await().atMost(Duration.ofSeconds(60)).until(() -> runs.find(runId).orElseThrow().finished());
        assertThat(runs.find(runId).orElseThrow().state()).isEqualTo(RemediationRun.State.DONE);
        assertThat(admin.secrets().inNamespace("bulk-conv-apps").withLabel("owner", "helm").list().getItems()).hasSize(3);
    }

    private static RequestPostProcessor lead() {
        return person(Set.of(Role.TEAM_LEAD.authority(), Role.TEAM_MEMBER.authority(), RoleMapper.LEAD_PREFIX + "bulk",
                RoleMapper.TEAM_PREFIX + "bulk"));
    }

    private static RequestPostProcessor member() {
        return person(Set.of(Role.TEAM_MEMBER.authority(), RoleMapper.TEAM_PREFIX + "bulk"));
    }

    private static RequestPostProcessor person(Set<String> authorities) {
        return oidcLogin().authorities(authorities.stream().map(SimpleGrantedAuthority::new)
                .toArray(SimpleGrantedAuthority[]::new));
    }
}
