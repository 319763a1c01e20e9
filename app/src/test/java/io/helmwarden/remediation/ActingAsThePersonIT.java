package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.support.kube.KubeApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A cluster that acts as the signed-in person, on the real API server with RBAC, the app running under a real
 * token of the service account that {@code config/kubernetes/helm-warden-person.yaml} ships (applied as it is):
 * every write of a run goes out impersonating the person who started it, so the API server — not the app —
 * decides, and its audit log names the person as the user and Helm Warden's identity only as the impersonator.
 */
@MigrationOnRealApiServer
@org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc
@TestPropertySource(properties = {"helmwarden.test.real-act-as=PERSON",
        "spring.datasource.url=jdbc:h2:mem:acting-as-the-person;DB_CLOSE_DELAY=-1"})
class ActingAsThePersonIT {

    static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final String HELM_WARDEN = "system:serviceaccount:helm-warden:helm-warden";

    @Autowired
    FleetState fleet;

    @Autowired
    RemediationExecutor executor;

    @Autowired
    RemediationRuns runs;

    @Autowired
    org.springframework.test.web.servlet.MockMvc mvc;

    final KubeApiServer server = KubeApiServer.shared();
    final KubernetesClient admin = server.adminClient();
    final MigrationFixtures fixtures = new MigrationFixtures(admin);

    @Test
    void aLeadWhoseRbacCoversTheirTillerMigratesItAsThemselves() throws IOException {
        String ns = fixtures.tiller(new HelmInit("person-" + NAMESPACES.incrementAndGet()), 1, 4, 0);
        Map<String, String> before = fixtures.configMapPayloads(ns);
        grantMigrationRights(ns, "lena@example.com");
        Tiller tiller = awaitTiller(ns, 4);

        RemediationRun done = awaitFinished(executor.start(MigrationFixtures.migration(tiller), tiller,
                lead("lena@example.com")).id());

        assertThat(done.state()).as(done.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(done.actingAs()).hasValueSatisfying(person -> assertThat(person.user()).isEqualTo("lena@example.com"));
        assertThat(done.steps().get(0).detail()).contains("user lena@example.com holds every right the run needs");
        assertThat(fixtures.secretPayloads(ns)).isEqualTo(before);
        // The API server saw the person, with Helm Warden's own identity as the impersonator.
        assertThat(auditedWrites(ns, "secrets", "create")).isNotEmpty().allSatisfy(event -> assertThat(event)
                .contains("\"impersonatedUser\":{\"username\":\"lena@example.com\"")
                .contains("\"user\":{\"username\":\"" + HELM_WARDEN + "\""));
    }

    @Test
    void aLeadHardensTheirTillerAsThemselves() throws IOException {
        String ns = fixtures.tiller(new HelmInit("person-" + NAMESPACES.incrementAndGet()), 1, 1, 0);
        grantMigrationRights(ns, "lena@example.com");
        Tiller tiller = awaitTiller(ns, 1);
        for (RemediationKind kind : List.of(RemediationKind.ENABLE_TLS_VERIFY, RemediationKind.LISTEN_LOCALHOST)) {
            Tiller now = awaitTiller(ns, 1);
            RemediationRun done = awaitFinished(executor.start(kind.plan(new PlanInput(now,
                    new PlanInput.Settings(50, false))), now, lead("lena@example.com")).id());
            assertThat(done.state()).as(kind.id() + ": " + done.error()).isEqualTo(RemediationRun.State.DONE);
        }
        assertThat(auditedWrites(ns, "deployments", "update")).hasSizeGreaterThanOrEqualTo(2).allSatisfy(event ->
                assertThat(event).contains("\"impersonatedUser\":{\"username\":\"lena@example.com\""));
        assertThat(tiller.id()).isEqualTo("real/" + ns + "/tiller-deploy");
    }

    @Test
    void theShippedIdentityReadsWhatItWatchesImpersonatesAndWritesNothing() {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.cluster("real").map(c -> c.synced()).orElse(false));
        assertThat(fleet.cluster("real").orElseThrow().errors()).as("every watch works with the shipped reads").isEmpty();
        for (String[] allowed : List.of(new String[] {"list", "", "secrets"}, new String[] {"watch", "apps", "deployments"},
                new String[] {"list", "rbac.authorization.k8s.io", "clusterrolebindings"},
                new String[] {"impersonate", "", "users"}, new String[] {"impersonate", "", "groups"},
                new String[] {"create", "authorization.k8s.io", "subjectaccessreviews"})) {
            assertThat(helmWardenMay(allowed)).as(String.join(" ", allowed)).isTrue();
        }
        for (String[] denied : List.of(new String[] {"create", "", "pods"}, new String[] {"create", "", "pods/exec"},
                new String[] {"create", "", "secrets"}, new String[] {"update", "", "configmaps"},
                new String[] {"update", "apps", "deployments"}, new String[] {"delete", "", "namespaces"},
                new String[] {"create", "rbac.authorization.k8s.io", "rolebindings"},
                new String[] {"create", "rbac.authorization.k8s.io", "clusterrolebindings"},
                new String[] {"bind", "rbac.authorization.k8s.io", "clusterroles"},
                new String[] {"escalate", "rbac.authorization.k8s.io", "clusterroles"},
                new String[] {"impersonate", "", "serviceaccounts"})) {
            assertThat(helmWardenMay(denied)).as(String.join(" ", denied)).isFalse();
        }
    }

    @Test
    void theBulkMigrationSkipsTillersThePersonMayNotMigrateAndSaysWhy() throws Exception {
        String ns = fixtures.tiller(new HelmInit("person-" + NAMESPACES.incrementAndGet()), 1, 1, 0);
        awaitTiller(ns, 1);
        String preview = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .get("/remediations/migrate-storage-to-secrets").param("cluster", "real")
                .with(admin("nobody@example.com"))).andReturn().getResponse().getContentAsString();
        assertThat(org.springframework.web.util.HtmlUtils.htmlUnescape(preview))
                .contains("real/" + ns + "/tiller-deploy", "user nobody@example.com may not");
    }

    /** Whether the shipped service account may do this in namespace default, as the API server answers. */
    private boolean helmWardenMay(String[] right) {
        var review = admin.authorization().v1().subjectAccessReview().create(
                new io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder().withNewSpec()
                        .withUser(HELM_WARDEN).withGroups("system:serviceaccounts", "system:serviceaccounts:helm-warden",
                                "system:authenticated")
                        .withNewResourceAttributes().withVerb(right[0]).withGroup(right[1])
                        .withResource(right[2].contains("/") ? right[2].substring(0, right[2].indexOf('/')) : right[2])
                        .withSubresource(right[2].contains("/") ? right[2].substring(right[2].indexOf('/') + 1) : null)
                        .withNamespace("default").endResourceAttributes().endSpec().build());
        return Boolean.TRUE.equals(review.getStatus().getAllowed());
    }

    @Test
    void aLeadWithoutTheRightsIsStoppedBeforeAnyWriteWithTheMissingRightsNamedAndResumesAsThemselvesOnceGranted()
            throws IOException {
        String ns = fixtures.tiller(new HelmInit("person-" + NAMESPACES.incrementAndGet()), 1, 3, 0);
        Map<String, String> before = fixtures.configMapPayloads(ns);
        Tiller tiller = awaitTiller(ns, 3);

        RemediationRun refused = awaitFinished(executor.start(MigrationFixtures.migration(tiller), tiller,
                lead("sam@example.com")).id());
        assertThat(refused.state()).isEqualTo(RemediationRun.State.FAILED);
        assertThat(refused.error()).startsWith("preflight: user sam@example.com may not create secrets in " + ns)
                .contains("update apps/deployments in " + ns);
        assertThat(fixtures.secretPayloads(ns)).isEmpty();

        // Once the right is there, anyone allowed to resume does; the run still acts as the person who started it.
        grantMigrationRights(ns, "sam@example.com");
        RemediationRun resumed = awaitFinished(executor.resumeFailed(refused,
                new AuditEvent.Actor("admin", "Alex Admin", "PLATFORM_ADMIN", "alex@example.com", List.of())).id());
        assertThat(resumed.state()).as(resumed.error()).isEqualTo(RemediationRun.State.DONE);
        assertThat(fixtures.secretPayloads(ns)).isEqualTo(before);
        assertThat(auditedWrites(ns, "secrets", "create")).isNotEmpty().allSatisfy(event -> assertThat(event)
                .contains("\"impersonatedUser\":{\"username\":\"sam@example.com\""));
    }

    @Test
    void theApiServerRefusesARunForATillerThePersonHasNoRightsOn() {
        // Bypassing every page: the executor is called directly, for a Tiller in a namespace the lead has no
        // rights in. The cluster is the last line, and it holds.
        String theirs = fixtures.tiller(new HelmInit("person-" + NAMESPACES.incrementAndGet()), 1, 1, 0);
        String others = fixtures.tiller(new HelmInit("person-" + NAMESPACES.incrementAndGet()), 1, 1, 0);
        grantMigrationRights(theirs, "mia@example.com");
        Tiller tiller = awaitTiller(others, 1);
        var deploymentBefore = admin.apps().deployments().inNamespace(others).withName(HelmInit.DEPLOYMENT_NAME).get();

        var plan = RemediationKind.LIMIT_HISTORY.plan(new PlanInput(tiller, new PlanInput.Settings(50, false)));
        RemediationRun failed = awaitFinished(executor.start(plan, tiller, lead("mia@example.com")).id());

        assertThat(failed.state()).isEqualTo(RemediationRun.State.FAILED);
        assertThat(failed.error()).contains("Forbidden").contains("mia@example.com");
        assertThat(admin.apps().deployments().inNamespace(others).withName(HelmInit.DEPLOYMENT_NAME).get().getSpec())
                .isEqualTo(deploymentBefore.getSpec());
    }

    @Test
    void aRunStartedWithoutAPersonDoesNothingInAClusterThatActsAsPersons() {
        String ns = fixtures.tiller(new HelmInit("person-" + NAMESPACES.incrementAndGet()), 1, 1, 0);
        Tiller tiller = awaitTiller(ns, 1);
        RemediationRun failed = awaitFinished(executor.start(MigrationFixtures.migration(tiller), tiller,
                new AuditEvent.Actor("someone", null, "TEAM_LEAD")).id());
        assertThat(failed.state()).isEqualTo(RemediationRun.State.FAILED);
        assertThat(failed.error()).contains("acts as the signed-in person, and this run was started without one");
        assertThat(fixtures.secretPayloads(ns)).isEmpty();
    }

    @Test
    void thePlanShowsWhatTheApiServerLetsThePersonDoAndADeniedStepDoesNotStart() throws Exception {
        String ns = fixtures.tiller(new HelmInit("person-" + NAMESPACES.incrementAndGet()), 1, 2, 0);
        grantMigrationRights(ns, "lena@example.com");
        awaitTiller(ns, 2);
        String page = "/tillers/real/" + ns + "/tiller-deploy/remediations/migrate-storage-to-secrets";

        String allowed = html(page, "lena@example.com");
        assertThat(allowed).contains("What the cluster lets you do", "every step runs as user lena@example.com",
                "create secrets in " + ns, "update apps/deployments in " + ns).doesNotContain("data-allowed=\"false\"")
                .doesNotContain("Cannot run as you").contains("data-testid=\"confirm\"");

        String denied = html(page, "nobody@example.com");
        assertThat(denied).contains("Cannot run as you: user nobody@example.com may not", "create secrets in " + ns
                + " (step copy)", "A RoleBinding in each of those namespaces").contains("data-allowed=\"false\"")
                .doesNotContain("data-testid=\"confirm\"");
        var started = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(page)
                .param("confirm", "real/" + ns + "/tiller-deploy").with(admin("nobody@example.com"))
                .with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf()))
                .andReturn().getResponse();
        assertThat(started.getStatus()).isEqualTo(409);
        assertThat(started.getContentAsString()).contains("user nobody@example.com may not");
        assertThat(runs.forTiller("real/" + ns + "/tiller-deploy")).isEmpty();

        assertThat(html(page, null)).contains("your ID token names no user for it").doesNotContain("data-testid=\"confirm\"");
    }

    private String html(String page, String clusterUser) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get(page)
                .with(admin(clusterUser))).andReturn().getResponse().getContentAsString();
    }

    /** A platform admin whose clusters know them by this name (or by none). */
    private static org.springframework.test.web.servlet.request.RequestPostProcessor admin(String clusterUser) {
        var authorities = new java.util.ArrayList<org.springframework.security.core.authority.SimpleGrantedAuthority>();
        authorities.add(new org.springframework.security.core.authority.SimpleGrantedAuthority(
                io.helmwarden.tenancy.Role.PLATFORM_ADMIN.authority()));
        if (clusterUser != null) {
            authorities.add(new org.springframework.security.core.authority.SimpleGrantedAuthority(
                    io.helmwarden.tenancy.RoleMapper.CLUSTER_USER_PREFIX + clusterUser));
        }
        return org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin()
                .authorities(authorities.toArray(org.springframework.security.core.authority.SimpleGrantedAuthority[]::new));
    }

    /** What a team lead needs to migrate the Tiller in one namespace, and nothing elsewhere. */
    private void grantMigrationRights(String ns, String user) {
        String name = "migrate-" + user.replaceAll("[^a-z]", "-");
        admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName(name).endMetadata()
                .addNewRule().withApiGroups("").withResources("secrets", "configmaps").withVerbs("get", "list", "create",
                        "update").endRule()
                .addNewRule().withApiGroups("apps").withResources("deployments").withVerbs("get", "list", "update")
                .endRule()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("list").endRule().build()).create();
        admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
                .addNewSubject().withKind("User").withName(user).withApiGroup("rbac.authorization.k8s.io").endSubject()
                .build()).create();
    }

    private static AuditEvent.Actor lead(String email) {
        return new AuditEvent.Actor("sub-" + email, email, "TEAM_LEAD,TEAM_MEMBER", email, List.of("team-leads"));
    }

    /** The API server's audit events for writes of a resource in a namespace, as JSON lines. */
    private List<String> auditedWrites(String ns, String resource, String verb) throws IOException {
        return Files.readAllLines(server.auditLog()).stream()
                .filter(line -> line.contains("\"stage\":\"ResponseComplete\""))
                .filter(line -> line.contains("\"verb\":\"" + verb + "\"") && line.contains("\"resource\":\"" + resource + "\"")
                        && line.contains("\"namespace\":\"" + ns + "\""))
                .toList();
    }

    private Tiller awaitTiller(String ns, int records) {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("real/" + ns + "/tiller-deploy")
                .map(state -> state.tiller().records().size() == records).orElse(false));
        return fleet.tiller("real/" + ns + "/tiller-deploy").orElseThrow().tiller();
    }

    private RemediationRun awaitFinished(String runId) {
        await().atMost(Duration.ofSeconds(120)).until(() -> runs.find(runId).orElseThrow().finished());
        return runs.find(runId).orElseThrow();
    }
}
