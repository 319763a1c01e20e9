package io.helmwarden.web;

import static io.helmwarden.web.Logins.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.helmwarden.audit.AuditEvent;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.remediation.MigrationBackups;
import io.helmwarden.remediation.PlanInput;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationKind;
import io.helmwarden.remediation.RemediationRun;
import io.helmwarden.remediation.RemediationRuns;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Rolling back a migration and deleting its backups are confirmed like the migration, by typing the Tiller's
 * full name (cluster/namespace/name); each ends in a redirect, and the page then shows the true state: no
 * backup text and no button for what is already done.
 */
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:destructive-actions;DB_CLOSE_DELAY=-1",
        "helmwarden.demo.idp.port=0"})
@ActiveProfiles("demo")
@AutoConfigureMockMvc
class DestructiveActionsIT {

    static final String TILLER = "prod-eu/kube-system/tiller-deploy";

    @Autowired
    MockMvc mvc;

    @Autowired
    FleetState fleet;

    @Autowired
    RemediationExecutor executor;

    @Autowired
    RemediationRuns runs;

    @Autowired
    MigrationBackups backups;

    @Test
    void rollbackAndDeletingBackupsNeedTheTypedNameAndThePageThenTellsTheTruth() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller(TILLER).isPresent());
        RemediationRun migration = executor.start(RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(fleet.tiller(TILLER).orElseThrow().tiller(),
                new PlanInput.Settings(200, false))), fleet.tiller(TILLER).orElseThrow().tiller(),
                new AuditEvent.Actor("admin", "Alex Admin", "PLATFORM_ADMIN"));
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(migration.id()).orElseThrow().finished());
        assertThat(runs.find(migration.id()).orElseThrow().state()).isEqualTo(RemediationRun.State.DONE);
        String page = "/remediation-runs/" + migration.id();
        assertThat(html(page)).contains("data-testid=\"roll-back\"", "data-testid=\"delete-backups\"",
                "ConfigMaps\n        are kept as backups");

        for (String typed : new String[] {"", "kube-system/tiller-deploy", "staging/kube-system/tiller-deploy"}) {
            var rollback = mvc.perform(post(page + "/rollback").param("confirm", typed).with(csrf()).with(admin()))
                    .andReturn().getResponse();
            assertThat(rollback.getStatus()).as("rollback confirmed with \"" + typed + "\"").isEqualTo(400);
            assertThat(rollback.getContentAsString()).contains("Type " + TILLER + " to confirm the rollback.");
            var delete = mvc.perform(post(page + "/delete-backups").param("confirm", typed).with(csrf()).with(admin()))
                    .andReturn().getResponse();
            assertThat(delete.getStatus()).isEqualTo(400);
        }
        assertThat(runs.forTiller(TILLER)).noneMatch(run -> run.remediation().equals(RemediationKind.ROLLBACK_STORAGE.id()));
        int kept = backups.remaining(migration);
        assertThat(kept).isPositive();

        var deleted = mvc.perform(post(page + "/delete-backups").param("confirm", TILLER).with(csrf()).with(admin()))
                .andReturn();
        assertThat(deleted.getResponse().getStatus()).as("post/redirect/get").isEqualTo(302);
        assertThat(deleted.getResponse().getRedirectedUrl()).isEqualTo(page);
        assertThat(deleted.getFlashMap().get("notice")).isEqualTo(kept + " backup ConfigMaps deleted; the Secrets are"
                + " Tiller's only records.");
        assertThat(backups.remaining(migration)).isZero();
        assertThat(html(page)).contains("No backup is left").doesNotContain("are kept as backups",
                "data-testid=\"delete-backups\"", "data-testid=\"roll-back\"");
        var late = mvc.perform(post(page + "/rollback").param("confirm", TILLER).with(csrf()).with(admin()))
                .andReturn().getResponse();
        assertThat(late.getStatus()).isEqualTo(409);
        assertThat(late.getContentAsString()).contains("no ConfigMaps to roll back to");
    }

    private String html(String path) throws Exception {
        return mvc.perform(get(path).accept(MediaType.TEXT_HTML).with(admin())).andReturn().getResponse()
                .getContentAsString();
    }
}
