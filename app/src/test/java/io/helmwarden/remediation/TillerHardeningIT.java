package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.check.Finding;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.pki.CertificateAuthority;
import io.helmwarden.support.kube.KubeApiServer;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each remediation of Tiller's endpoint and rights turns its finding's fixture into a passing state, as the
 * inventory sees it, and changes nothing else: the whole Deployment is compared before and after, with only
 * the fields the remediation owns taken out.
 */
@MigrationOnRealApiServer
class TillerHardeningIT {

    static final AuditEvent.Actor ADMIN = new AuditEvent.Actor("admin", "Alex Admin", "PLATFORM_ADMIN");
    static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final PlanInput.Settings SETTINGS = new PlanInput.Settings(200, false);
    static final String[] ARGS = {"--history-max=0", "--trace"};

    @Autowired
    FleetState fleet;

    @Autowired
    RemediationExecutor executor;

    @Autowired
    RemediationRuns runs;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    final KubernetesClient admin = KubeApiServer.shared().adminClient();
    final MigrationFixtures fixtures = new MigrationFixtures(admin);

    @Test
    void enablingTlsWithVerificationChangesOnlyTheTlsFields() throws Exception {
        String ns = fixtures.tiller(new HelmInit("harden-" + NAMESPACES.incrementAndGet()).args(ARGS)
                .automountServiceAccountToken(true), 1, 2, 0);
        withEnv(ns, "TRACE_LEVEL", "3");
        Tiller tiller = awaitTiller(ns);
        assertThat(checks(tiller)).contains("grpc-no-tls");
        Deployment before = deployment(ns);

        RemediationRun run = remediate(RemediationKind.ENABLE_TLS_VERIFY, tiller);

        assertThat(run.state()).as(run.error()).isEqualTo(RemediationRun.State.DONE);
        await().atMost(Duration.ofSeconds(20)).until(() -> !checks(tillerNow(ns)).contains("grpc-no-tls")
                && !checks(tillerNow(ns)).contains("tls-no-client-verification"));
        Deployment after = deployment(ns);
        Container tillerContainer = container(after);
        assertThat(tillerContainer.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).contains(
                "TRACE_LEVEL=3", "TILLER_TLS_ENABLE=1", "TILLER_TLS_VERIFY=1", "TILLER_TLS_CERTS=/etc/certs");
        assertThat(withoutOwned(after, c -> {
            c.getEnv().removeIf(e -> e.getName().startsWith("TILLER_TLS_"));
            c.getVolumeMounts().removeIf(m -> m.getMountPath().equals("/etc/certs"));
        })).isEqualTo(withoutOwned(before, c -> c.getEnv().removeIf(e -> e.getName().startsWith("TILLER_TLS_"))));

        // The server certificate verifies against the CA, with the SANs helm connects by.
        var secret = admin.secrets().inNamespace(ns).withName("tiller-secret").get();
        X509Certificate server = certificate(secret.getData().get("tls.crt"));
        X509Certificate ca = certificate(secret.getData().get("ca.crt"));
        server.verify(ca.getPublicKey());
        assertThat(server.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList()).containsExactlyInAnyOrder(
                "127.0.0.1", "localhost", "tiller-deploy", "tiller-deploy." + ns, "tiller-deploy." + ns + ".svc");

        // Run again: the plan refuses, nothing is issued twice.
        assertThat(RemediationKind.ENABLE_TLS_VERIFY.plan(new PlanInput(tillerNow(ns), SETTINGS, List.of(), Map.of()))
                .refusal()).contains("TLS with client verification is already on");
    }

    @Test
    void aTillerWithTlsButNoVerificationKeepsItsCertificateAndGainsVerification() {
        var otherCa = CertificateAuthority.create("someone's CA", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(30)));
        var server = otherCa.issueServer("tiller", List.of("127.0.0.1"), Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(30)));
        String ns = fixtures.tiller(new HelmInit("harden-" + NAMESPACES.incrementAndGet()).tls(server), 1, 1, 0);
        awaitTiller(ns);
        // The Secret's watch event may come after the Deployment's: the plan is computed once both are known.
        await().atMost(Duration.ofSeconds(20)).until(() -> tillerNow(ns).tls().certificate().isPresent());
        Tiller tiller = tillerNow(ns);
        assertThat(checks(tiller)).contains("tls-no-client-verification").doesNotContain("grpc-no-tls");
        String certificateBefore = admin.secrets().inNamespace(ns).withName("tiller-secret").get().getData().get("tls.crt");
        Deployment before = deployment(ns);

        RemediationRun run = remediate(RemediationKind.ENABLE_TLS_VERIFY, tiller);

        assertThat(run.state()).as(run.error()).isEqualTo(RemediationRun.State.DONE);
        await().atMost(Duration.ofSeconds(20)).until(() -> !checks(tillerNow(ns)).contains("tls-no-client-verification"));
        var secret = admin.secrets().inNamespace(ns).withName("tiller-secret").get();
        assertThat(secret.getData().get("tls.crt")).isEqualTo(certificateBefore);
        assertThat(secret.getData()).containsKey("ca.crt");
        assertThat(withoutOwned(deployment(ns), c -> c.getEnv().removeIf(e -> e.getName().equals("TILLER_TLS_VERIFY"))))
                .isEqualTo(withoutOwned(before, c -> c.getEnv().removeIf(e -> e.getName().equals("TILLER_TLS_VERIFY"))));
    }

    @Test
    void closingExposureChangesTheListenFlagAndNothingElseOfTheDeployment() {
        String ns = fixtures.tiller(new HelmInit("harden-" + NAMESPACES.incrementAndGet()).args(ARGS), 1, 1, 0);
        admin.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("tiller-deploy")
                .endMetadata().withNewSpec().withType("NodePort").withSelector(Map.of("app", "helm", "name", "tiller"))
                .addNewPort().withName("tiller").withPort(44134).withProtocol("TCP").endPort().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> fleet.tiller(id(ns))
                .map(s -> checks(s.tiller()).containsAll(List.of("listens-on-all-interfaces", "exposed-by-service",
                        "no-network-policy"))).orElse(false));
        Deployment before = deployment(ns);

        for (var kind : List.of(RemediationKind.LISTEN_LOCALHOST, RemediationKind.REMOVE_SERVICE,
                RemediationKind.DENY_INGRESS)) {
            RemediationRun run = remediate(kind, tillerNow(ns));
            assertThat(run.state()).as(kind + ": " + run.error()).isEqualTo(RemediationRun.State.DONE);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> checks(tillerNow(ns)).stream().noneMatch(List.of(
                "listens-on-all-interfaces", "exposed-by-service", "no-network-policy")::contains));
        assertThat(container(deployment(ns)).getArgs()).containsExactly("--history-max=0", "--trace",
                "--listen=127.0.0.1:44134");
        assertThat(withoutOwned(deployment(ns), c -> c.setArgs(List.of())))
                .isEqualTo(withoutOwned(before, c -> c.setArgs(List.of())));
        assertThat(admin.services().inNamespace(ns).withName("tiller-deploy").get()).isNull();
    }

    @Test
    void limitingHistoryRewritesTheFlagWhereItIs() {
        String ns = fixtures.tiller(new HelmInit("harden-" + NAMESPACES.incrementAndGet()).args(ARGS), 1, 1, 0);
        Tiller tiller = awaitTiller(ns);
        assertThat(checks(tiller)).contains("unlimited-history");
        Deployment before = deployment(ns);

        RemediationRun run = remediate(RemediationKind.LIMIT_HISTORY, tiller);

        assertThat(run.state()).as(run.error()).isEqualTo(RemediationRun.State.DONE);
        await().atMost(Duration.ofSeconds(20)).until(() -> !checks(tillerNow(ns)).contains("unlimited-history"));
        assertThat(container(deployment(ns)).getArgs()).containsExactly("--history-max=200", "--trace");
        assertThat(withoutOwned(deployment(ns), c -> c.setArgs(List.of())))
                .isEqualTo(withoutOwned(before, c -> c.setArgs(List.of())));
    }

    @Test
    void restrictingScopeLeavesRightsInTheTeamsNamespacesOnly() {
        String ns = "harden-scope";
        for (String namespace : List.of("harden-apps-1", "harden-apps-2")) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                    .create();
        }
        fixtures.tiller(new HelmInit(ns).args(ARGS), 1, 4, 0);
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("harden-scope-cluster-admin").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                .addNewSubject().withKind("ServiceAccount").withName("default").withNamespace(ns).endSubject().build())
                .create();
        // Rights outside the new scope through RoleBindings: one in the team's own namespace (taken apart), one in
        // a namespace that is not the team's (named, never written).
        // (edit/admin are aggregated roles; with no controller manager here their rules stay empty.)
        admin.rbac().clusterRoles().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder()
                .withNewMetadata().withName("harden-workloads").endMetadata()
                .addNewRule().withApiGroups("apps").withResources("deployments").withVerbs("*").endRule().build()).create();
        for (String namespace : List.of(ns, "kube-public")) {
            admin.rbac().roleBindings().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
                    .withNewMetadata().withName("tiller-edit").endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "harden-workloads")
                    .addNewSubject().withKind("ServiceAccount").withName("default").withNamespace(ns).endSubject()
                    .addNewSubject().withKind("User").withName("olga").withApiGroup("rbac.authorization.k8s.io").endSubject()
                    .build()).create();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> fleet.tiller(id(ns))
                .map(s -> checks(s.tiller()).contains("tiller-cluster-admin") && s.tiller().rbac().grants().stream()
                        .anyMatch(g -> "kube-public".equals(g.namespace()))).orElse(false));
        Tiller tiller = tillerNow(ns);
        assertThat(tiller.team()).contains("harden");
        String account = "system:serviceaccount:" + ns + ":tiller";
        assertThat(allowed(account, "harden-apps-1")).isFalse();

        RemediationPlan plan = RemediationKind.RESTRICT_SCOPE.plan(new PlanInput(tiller, SETTINGS,
                List.of("harden-scope", "harden-apps-1", "harden-apps-2"), Map.of("app0", "apps", "app1", "harden-apps-1")));
        assertThat(plan.toAccept()).hasSize(2).anySatisfy(item -> assertThat(item).contains("release app0 (namespace apps)"))
                .anySatisfy(item -> assertThat(item).startsWith("RoleBinding kube-public/tiller-edit keeps granting"));
        assertThat(plan.steps()).filteredOn(step -> step.name().equals("outside-bindings")).singleElement()
                .satisfies(step -> assertThat(step.before()).contains("RoleBinding " + ns + "/tiller-edit",
                        "RoleBinding kube-public/tiller-edit (not the team's namespace)"));
        RemediationRun run = awaitFinished(executor.start(plan, tiller, ADMIN).id());

        assertThat(run.state()).as(run.error()).isEqualTo(RemediationRun.State.DONE);
        await().atMost(Duration.ofSeconds(20)).until(() -> !checks(tillerNow(ns)).contains("tiller-cluster-admin")
                && !checks(tillerNow(ns)).contains("tiller-default-service-account"));
        assertThat(deployment(ns).getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("tiller");
        assertThat(admin.rbac().clusterRoleBindings().withName("harden-scope-cluster-admin").get()).isNull();
        // The real API server's answer: workloads in the team's namespaces, nowhere else, nothing cluster-wide.
        assertThat(allowed(account, "harden-apps-1")).isTrue();
        assertThat(allowed(account, "harden-apps-2")).isTrue();
        assertThat(allowed(account, "default")).isFalse();
        assertThat(allowed(account, "kube-system")).isFalse();
        assertThat(allowed(account, "")).isFalse();
        assertThat(allowed("system:serviceaccount:" + ns + ":default", "harden-apps-1")).isFalse();
        // Inside the team: the Tiller's account is out of the binding, the person in it keeps it.
        assertThat(allowed("system:serviceaccount:" + ns + ":default", ns)).isFalse();
        assertThat(admin.rbac().roleBindings().inNamespace(ns).withName("tiller-edit").get().getSubjects())
                .extracting(io.fabric8.kubernetes.api.model.rbac.Subject::getName).containsExactly("olga");
        // Outside the team: untouched, as the preview said.
        assertThat(admin.rbac().roleBindings().inNamespace("kube-public").withName("tiller-edit").get().getSubjects())
                .hasSize(2);
        assertThat(allowed("system:serviceaccount:" + ns + ":default", "kube-public")).isTrue();
    }

    @Test
    void restrictingDriversRemovesOutsidersAndKeepsTheTeam() {
        String ns = "harden-drivers";
        fixtures.tiller(new HelmInit(ns).args(ARGS), 1, 1, 0);
        admin.rbac().roles().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBuilder()
                .withNewMetadata().withName("pod-driver").endMetadata()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list").endRule()
                .addNewRule().withApiGroups("").withResources("pods/portforward").withVerbs("create").endRule().build())
                .create();
        admin.rbac().roleBindings().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
                .withNewMetadata().withName("drivers").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "pod-driver")
                .addNewSubject().withKind("Group").withName("harden-leads").withApiGroup("rbac.authorization.k8s.io").endSubject()
                .addNewSubject().withKind("User").withName("mallory").withApiGroup("rbac.authorization.k8s.io").endSubject()
                .build()).create();
        // Two outsiders who may port-forward in every namespace, through one ClusterRoleBinding.
        admin.rbac().clusterRoles().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder()
                .withNewMetadata().withName("harden-port-forwarder").endMetadata()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list").endRule()
                .addNewRule().withApiGroups("").withResources("pods/portforward").withVerbs("create").endRule().build())
                .create();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("harden-forward-everywhere").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "harden-port-forwarder")
                .addNewSubject().withKind("User").withName("eve").withApiGroup("rbac.authorization.k8s.io").endSubject()
                .addNewSubject().withKind("User").withName("trent").withApiGroup("rbac.authorization.k8s.io").endSubject()
                .build()).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> fleet.tiller(id(ns))
                .map(s -> checks(s.tiller()).contains("unexpected-drivers")
                        && s.tiller().rbac().unexpectedDrivers().size() == 3).orElse(false));
        Tiller tiller = tillerNow(ns);
        RemediationPlan preview = RemediationKind.RESTRICT_DRIVERS.plan(new PlanInput(tiller, SETTINGS, List.of(), Map.of()));
        assertThat(preview.toAccept()).singleElement().asString().startsWith("User mallory loses");
        // The cluster-wide binding is offered subject by subject, never changed by default.
        assertThat(preview.options()).extracting(RemediationPlan.Option::id).containsExactly(
                "harden-forward-everywhere|User|eve|", "harden-forward-everywhere|User|trent|");
        assertThat(preview.options().get(0).description()).contains("in every namespace of the cluster");
        org.assertj.core.api.Assertions.assertThatExceptionOfType(RemediationPlan.PlanChanged.class)
                .isThrownBy(() -> preview.choosing(List.of("cluster-admin|Group|system:masters|")));
        RemediationPlan plan = preview.choosing(List.of("harden-forward-everywhere|User|eve|"));

        RemediationRun run = awaitFinished(executor.start(plan, tiller, ADMIN).id());

        assertThat(run.state()).as(run.error()).isEqualTo(RemediationRun.State.DONE);
        // trent was not ticked: he still drives it, and the finding stays for him alone.
        await().atMost(Duration.ofSeconds(20)).until(() -> tillerNow(ns).rbac().unexpectedDrivers().stream()
                .map(io.fabric8.kubernetes.api.model.rbac.Subject::getName).toList().equals(List.of("trent")));
        assertThat(checks(tillerNow(ns))).contains("unexpected-drivers");
        assertThat(admin.rbac().roleBindings().inNamespace(ns).withName("drivers").get().getSubjects())
                .extracting(io.fabric8.kubernetes.api.model.rbac.Subject::getName).containsExactly("harden-leads");
        assertThat(portForward("mallory", List.of(), ns)).isFalse();
        assertThat(portForward("priya", List.of("harden-leads"), ns)).isTrue();
        // Only the ticked subject left the cluster-wide binding.
        assertThat(portForward("eve", List.of(), ns)).isFalse();
        assertThat(portForward("trent", List.of(), ns)).isTrue();
        assertThat(admin.rbac().clusterRoleBindings().withName("harden-forward-everywhere").get().getSubjects())
                .extracting(io.fabric8.kubernetes.api.model.rbac.Subject::getName).containsExactly("trent");
    }

    /** The API server is shared with the other test classes: nobody may drive their Tillers cluster-wide. */
    @org.junit.jupiter.api.AfterEach
    void removeClusterWideDrivers() {
        admin.rbac().clusterRoleBindings().withName("harden-forward-everywhere").delete();
    }

    private boolean portForward(String user, List<String> groups, String namespace) {
        var review = admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
                .withNewSpec().withUser(user).withGroups(groups)
                .withNewResourceAttributes().withVerb("create").withResource("pods").withSubresource("portforward")
                .withNamespace(namespace).endResourceAttributes().endSpec().build());
        return Boolean.TRUE.equals(review.getStatus().getAllowed());
    }

    private boolean allowed(String user, String namespace) {
        var review = admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
                .withNewSpec().withUser(user).withGroups("system:serviceaccounts", "system:authenticated")
                .withNewResourceAttributes().withVerb("create").withGroup("apps").withResource("deployments")
                .withNamespace(namespace).endResourceAttributes().endSpec().build());
        return Boolean.TRUE.equals(review.getStatus().getAllowed());
    }

    private RemediationRun remediate(RemediationKind kind, Tiller tiller) {
        RemediationPlan plan = kind.plan(new PlanInput(tiller, SETTINGS, List.of(), Map.of()));
        assertThat(plan.refusal()).as(kind.id()).isEmpty();
        return awaitFinished(executor.start(plan, tiller, ADMIN).id());
    }

    /** The Deployment as stored, without what the server and the remediation own, for comparison. */
    private static Deployment withoutOwned(Deployment deployment, Consumer<Container> ownedByRemediation) {
        Deployment copy = new DeploymentBuilder(deployment).build();
        copy.getMetadata().setResourceVersion(null);
        copy.getMetadata().setGeneration(null);
        copy.getMetadata().setManagedFields(null);
        copy.getMetadata().setAnnotations(null);
        copy.setStatus(null);
        var pod = copy.getSpec().getTemplate();
        if (pod.getMetadata().getAnnotations() != null) {
            pod.getMetadata().getAnnotations().remove(TillerHardening.TLS_SERIAL_ANNOTATION);
            if (pod.getMetadata().getAnnotations().isEmpty()) {
                pod.getMetadata().setAnnotations(null);
            }
        }
        if (pod.getSpec().getVolumes() != null) {
            pod.getSpec().getVolumes().removeIf(v -> v.getName().equals("tiller-certs"));
            if (pod.getSpec().getVolumes().isEmpty()) {
                pod.getSpec().setVolumes(null);
            }
        }
        Container container = container(copy);
        if (container.getEnv() == null) {
            container.setEnv(new java.util.ArrayList<>());
        }
        if (container.getVolumeMounts() == null) {
            container.setVolumeMounts(new java.util.ArrayList<>());
        }
        ownedByRemediation.accept(container);
        return copy;
    }

    private void withEnv(String ns, String name, String value) {
        admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).edit(d -> {
            container(d).getEnv().add(new io.fabric8.kubernetes.api.model.EnvVar(name, value, null));
            return d;
        });
    }

    private static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private Deployment deployment(String ns) {
        return admin.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME).get();
    }

    private static X509Certificate certificate(String base64Pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64Pem)));
    }

    private static String id(String ns) {
        return "real/" + ns + "/" + HelmInit.DEPLOYMENT_NAME;
    }

    private Tiller awaitTiller(String ns) {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller(id(ns)).isPresent());
        return tillerNow(ns);
    }

    private Tiller tillerNow(String ns) {
        return fleet.tiller(id(ns)).orElseThrow().tiller();
    }

    private List<String> checks(Tiller tiller) {
        return fleet.tiller(tiller.id()).orElseThrow().findings().stream().map(Finding::checkId).toList();
    }

    private RemediationRun awaitFinished(String runId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> runs.find(runId).orElseThrow().finished());
        return runs.find(runId).orElseThrow();
    }

    @Test
    void aRunWhoseNamespacesAreNotAllItsTeamsIsRefusedBeforeAnyWrite() {
        // As a run stored before the plan refused it, or edited in the database: the executor checks again.
        String ns = "harden-scope";
        RemediationRun aimedElsewhere = runs.create("real/" + ns + "/tiller-guard-1", "harden",
                RemediationKind.LIMIT_HISTORY, "admin", "someone-elses", RunParameters.of(Map.of("max", "10")));
        executor.execute(aimedElsewhere.id());
        RemediationRun refused = runs.find(aimedElsewhere.id()).orElseThrow();
        assertThat(refused.state()).isEqualTo(RemediationRun.State.FAILED);
        assertThat(refused.error()).contains("namespace someone-elses is not team harden's");
        assertThat(refused.steps()).allSatisfy(step -> assertThat(step.status()).isEqualTo(RemediationRun.StepStatus.PENDING));

        RemediationRun listed = runs.create("real/" + ns + "/tiller-guard-2", "harden", RemediationKind.RESTRICT_SCOPE,
                "admin", ns, RunParameters.of(Map.of("namespaces", "harden-apps-1,kube-system")));
        executor.execute(listed.id());
        assertThat(runs.find(listed.id()).orElseThrow().error()).contains("namespace kube-system is not team harden's");
    }

    @Test
    void aRunNamingNoRemediationOfThisVersionFailsWithoutAStep() {
        // As a run a newer replica stored, or one edited in the database.
        RemediationRun run = runs.create("real/harden-scope/tiller-guard-3", "harden", RemediationKind.LIMIT_HISTORY,
                "admin", "harden-scope", RunParameters.of(Map.of("max", "10")));
        jdbc.sql("UPDATE remediation_run SET remediation = 'format-the-disk' WHERE id = ?").param(run.id()).update();
        executor.execute(run.id());
        RemediationRun failed = runs.find(run.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(RemediationRun.State.FAILED);
        assertThat(failed.error()).isEqualTo("no remediation is called format-the-disk in this version of Helm Warden");
        assertThat(failed.steps()).allSatisfy(step -> assertThat(step.status()).isEqualTo(RemediationRun.StepStatus.PENDING));
    }

    @Test
    void aRunStoredWithAParameterThisVersionDoesNotKnowIsRefusedBeforeAnyWrite() {
        RemediationRun run = runs.create("real/harden-scope/tiller-guard-4", "harden", RemediationKind.LIMIT_HISTORY,
                "admin", "harden-scope", RunParameters.of(Map.of("max", "10")));
        jdbc.sql("UPDATE remediation_run SET parameters = ? WHERE id = ?").params("max=10\nnamespacesToo=kube-system",
                run.id()).update();
        executor.execute(run.id());
        RemediationRun refused = runs.find(run.id()).orElseThrow();
        assertThat(refused.state()).isEqualTo(RemediationRun.State.FAILED);
        assertThat(refused.error()).contains("parameters this version does not know (namespacesToo)");
        assertThat(refused.steps()).allSatisfy(step -> assertThat(step.status()).isEqualTo(RemediationRun.StepStatus.PENDING));
    }
}
