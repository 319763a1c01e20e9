package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.helmwarden.check.CheckFixtures;
import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.ReleaseSummary;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The remediation plans, computed from Tillers that discovery finds in the check fixtures
 * ({@code src/test/resources/checks/}), as the app computes them from a cluster: refusals and their reasons,
 * step names in order, and the parameters a run acts on.
 */
class RemediationPlansTest {

    static final Path CHECKS = Path.of("src/test/resources/checks");
    /** Team payments owns team-tiller and payments, team search owns search (CheckFixtures' teams). */
    static final Teams TEAMS = CheckFixtures.TEAMS;
    static final PlanInput.Settings SETTINGS = new PlanInput.Settings(200, false);

    static final String HARDENED = "grpc-no-tls/success.hardened";
    static final String NO_TLS = "grpc-no-tls/failure.no-tls-env";
    static final String FOREIGN_STORAGE = "records-in-foreign-namespace/failure.another-teams-namespace";
    static final String UNLIMITED_HISTORY = "unlimited-history/failure.history-max-zero";
    static final String CONFIGMAP_STORAGE = "releases-in-configmaps/failure.default-storage";
    static final String OTHER_TEAM_DRIVES = "unexpected-drivers/failure.other-team-group";
    static final String CLUSTER_WIDE_DRIVERS = "unexpected-drivers/failure.cluster-wide-port-forward";
    static final String RELEASE_IN_OTHER_TEAM = "releases-outside-scope/failure.release-in-other-team-namespace";

    static List<HasMetadata> objects(String fixture) {
        try {
            return new ArrayList<>(CheckFixtures.load(CHECKS.resolve(fixture + ".yaml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The single Tiller discovery finds in the fixture. */
    static Tiller tiller(String fixture) {
        return tiller(objects(fixture));
    }

    static Tiller tiller(List<HasMetadata> objects) {
        List<Tiller> found = discover(objects);
        assertThat(found).as("Tillers discovered").hasSize(1);
        return found.get(0);
    }

    static List<Tiller> discover(List<HasMetadata> objects) {
        return CheckFixtures.tillers(objects);
    }

    /** The fixture's objects with its Tiller Deployment changed, as a person or a tool would have edited it. */
    static List<HasMetadata> withDeployment(List<HasMetadata> objects, UnaryOperator<DeploymentBuilder> change) {
        return objects.stream().map(o -> o instanceof Deployment d ? (HasMetadata) change.apply(new DeploymentBuilder(d)).build()
                : o).collect(Collectors.toCollection(ArrayList::new));
    }

    static List<HasMetadata> withCommand(List<HasMetadata> objects, String... command) {
        return withDeployment(objects, d -> d.editSpec().editTemplate().editSpec().editFirstContainer()
                .withCommand(command).endContainer().endSpec().endTemplate().endSpec());
    }

    /** A ClusterRole letting its subjects list pods and port-forward everywhere, and bindings of it to groups. */
    static List<HasMetadata> withClusterWidePortForward(List<HasMetadata> objects, Map<String, String> bindingToGroup) {
        List<HasMetadata> all = new ArrayList<>(objects);
        all.add(new ClusterRoleBuilder().withNewMetadata().withName("pod-debugger").endMetadata()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list").endRule()
                .addNewRule().withApiGroups("").withResources("pods/portforward").withVerbs("create").endRule()
                .build());
        bindingToGroup.forEach((binding, group) -> all.add(new ClusterRoleBindingBuilder()
                .withNewMetadata().withName(binding).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName("pod-debugger").endRoleRef()
                .addNewSubject().withKind("Group").withName(group).withApiGroup("rbac.authorization.k8s.io").endSubject()
                .build()));
        return all;
    }

    /** The team's namespaces on the Tiller's cluster, as HardeningController passes them. */
    static List<String> teamNamespaces(Tiller tiller) {
        return tiller.team().flatMap(TEAMS::find).map(team -> team.namespaces().getOrDefault(tiller.cluster(), List.of()))
                .orElse(List.of());
    }

    /** Each release's target namespace from its newest readable revision, as HardeningController computes it. */
    static Map<String, String> releaseNamespaces(Tiller tiller) {
        return tiller.records().stream()
                .collect(Collectors.groupingBy(ReleaseRecord::release,
                        Collectors.maxBy(Comparator.comparingInt(ReleaseRecord::revision))))
                .values().stream().flatMap(Optional::stream)
                .filter(record -> record.summary().filter(ReleaseSummary::readable).isPresent())
                .collect(Collectors.toMap(ReleaseRecord::release, r -> r.summary().orElseThrow().targetNamespace(),
                        (a, b) -> a, TreeMap::new));
    }

    static RemediationPlan plan(RemediationKind kind, Tiller tiller) {
        return plan(kind, tiller, SETTINGS);
    }

    static RemediationPlan plan(RemediationKind kind, Tiller tiller, PlanInput.Settings settings) {
        return kind.plan(new PlanInput(tiller, settings, teamNamespaces(tiller), releaseNamespaces(tiller)));
    }

    static List<String> stepNames(List<PlanStep> steps) {
        return steps.stream().map(PlanStep::name).toList();
    }

    static PlanStep step(List<PlanStep> steps, String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + stepNames(steps)));
    }

    static List<String> split(String value, String separator) {
        return value.isEmpty() ? List.of() : Arrays.asList(value.split(separator, -1));
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class CommonRefusal {

        @ParameterizedTest
        @EnumSource(value = RemediationKind.class, names = {"ENABLE_TLS_VERIFY", "ROTATE_CERTIFICATE", "LISTEN_LOCALHOST", "REMOVE_SERVICE", "DENY_INGRESS", "LIMIT_HISTORY", "RESTRICT_SCOPE", "RESTRICT_DRIVERS"})
        void aTillerKeepingItsRecordsInAnotherTeamsNamespaceIsNeverRemediated(RemediationKind kind) {
            Tiller tiller = tiller(FOREIGN_STORAGE);
            assertThat(tiller.id()).isEqualTo("fixture/search/tiller-deploy");

            RemediationPlan plan = plan(kind, tiller, new PlanInput.Settings(200, false, false));

            assertThat(plan.refusal()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("namespace team-tiller", "TILLER_NAMESPACE=team-tiller", "which its team does not own",
                            "Point TILLER_NAMESPACE at the team's own namespace first")
                    .as("the storage refusal comes before any other").doesNotContain("key-encryption-key"));
            assertThat(RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller, SETTINGS)).refusal()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("namespace team-tiller", "which its team does not own"));
        }

        @Test
        void anUnresolvedStorageNamespaceIsCalledSo() {
            RemediationPlan plan = plan(RemediationKind.LIMIT_HISTORY,
                    tiller("records-in-foreign-namespace/failure.unresolved-reference"));

            assertThat(plan.refusal()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("a namespace Helm Warden cannot resolve", "TILLER_NAMESPACE from a reference")
                    .doesNotContain("namespace  "));
        }

        @Test
        void recordsInAnotherNamespaceOfTheSameTeamAreNoReasonToRefuse() {
            Tiller tiller = tiller("records-in-foreign-namespace/success.same-team-namespace");
            assertThat(tiller.storage().namespace()).isEqualTo("payments");

            assertThat(TillerPlans.commonRefusal(tiller)).isEmpty();
        }

        @ParameterizedTest
        @EnumSource(value = RemediationKind.class, names = {"ENABLE_TLS_VERIFY", "ROTATE_CERTIFICATE", "LISTEN_LOCALHOST", "REMOVE_SERVICE", "DENY_INGRESS", "LIMIT_HISTORY", "RESTRICT_SCOPE", "RESTRICT_DRIVERS"})
        void onlyADeploymentIsRemediated(RemediationKind kind) {
            List<Tiller> tillers = discover(objects("helm2-end-of-life/failure.bare-pod-and-unowned-sets"));
            Tiller pod = tillers.stream().filter(t -> t.workloadKind().equals("Pod")).findFirst().orElseThrow();
            Tiller replicaSet = tillers.stream().filter(t -> t.workloadKind().equals("ReplicaSet")).findFirst()
                    .orElseThrow();
            Tiller deployment = tillers.stream().filter(t -> t.workloadKind().equals("Deployment")).findFirst()
                    .orElseThrow();

            assertThat(plan(kind, pod).refusal()).hasValue(
                    "only a Tiller run as a Deployment can be remediated; this one is a Pod");
            assertThat(plan(kind, replicaSet).refusal()).hasValue(
                    "only a Tiller run as a Deployment can be remediated; this one is a ReplicaSet");
            assertThat(TillerPlans.commonRefusal(deployment)).isEmpty();
            assertThat(RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(pod, SETTINGS)).refusal()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("run as a Deployment", "Pod"));
        }

        @ParameterizedTest
        @EnumSource(value = RemediationKind.class, names = {"ENABLE_TLS_VERIFY", "ROTATE_CERTIFICATE", "LISTEN_LOCALHOST", "REMOVE_SERVICE", "DENY_INGRESS", "LIMIT_HISTORY", "RESTRICT_SCOPE", "RESTRICT_DRIVERS"})
        void aTillerStartedThroughAShellIsNotRewritten(RemediationKind kind) {
            Tiller tiller = tiller(withCommand(objects(HARDENED), "/bin/sh", "-c",
                    "exec /tiller --storage=secret --listen=127.0.0.1:44134"));

            assertThat(plan(kind, tiller).refusal()).hasValueSatisfying(reason -> assertThat(reason)
                    .startsWith("the Tiller starts through a shell (/bin/sh)")
                    .contains("its flags cannot be rewritten safely", "change the command by hand"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"/bin/bash /entrypoint.sh", "/usr/bin/env sh -c /tiller", "sh"})
        void everyShellSpellingIsRefused(String command) {
            Tiller tiller = tiller(withCommand(objects(UNLIMITED_HISTORY), command.split(" ")));

            assertThat(plan(RemediationKind.LIMIT_HISTORY, tiller).refusal())
                    .hasValueSatisfying(reason -> assertThat(reason).contains("starts through a shell ("
                            + command.split(" ")[0] + ")"));
            assertThat(RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller, SETTINGS)).refusal()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("starts through a shell"));
        }

        @Test
        void tillerItselfAsTheCommandIsNoShell() {
            Tiller tiller = tiller(withCommand(objects(UNLIMITED_HISTORY), "/tiller", "--history-max=0"));
            assertThat(tiller.command()).containsExactly("/tiller", "--history-max=0");

            assertThat(plan(RemediationKind.LIMIT_HISTORY, tiller).refusal()).isEmpty();
        }
    }

    @Nested
    class EnableTlsVerify {

        @Test
        void aTillerWithoutTlsGetsACertificateTheSecretMountedAndVerificationOn() {
            Tiller tiller = tiller(NO_TLS);

            RemediationPlan plan = plan(RemediationKind.ENABLE_TLS_VERIFY, tiller);

            assertThat(plan.refusal()).isEmpty();
            assertThat(plan.tillerId()).isEqualTo("fixture/team-tiller/tiller-deploy");
            assertThat(stepNames(plan.steps())).containsExactly("certificate", "configure");
            assertThat(plan.parameters().asMap()).containsEntry("mode", "full").containsEntry("secret", "tiller-secret");
            PlanStep certificate = step(plan.steps(), "certificate");
            assertThat(certificate.before()).isEqualTo("no server certificate");
            assertThat(certificate.after()).startsWith("Secret tiller-secret: tls.crt")
                    .contains("SANs 127.0.0.1, localhost, tiller-deploy, tiller-deploy.team-tiller,"
                            + " tiller-deploy.team-tiller.svc", "tls.key", "ca.crt");
            PlanStep configure = step(plan.steps(), "configure");
            assertThat(configure.before()).contains("TILLER_TLS_ENABLE not set", "TILLER_TLS_VERIFY not set");
            assertThat(configure.after()).contains("volume tiller-secret mounted read-only at /etc/certs",
                    "TILLER_TLS_ENABLE=1", "TILLER_TLS_CERTS=/etc/certs", "TILLER_TLS_VERIFY=1", "pods restarted");
            assertThat(plan.toAccept()).singleElement().asString().contains("client certificate");
        }

        @Test
        void aTillerServingTlsWithoutVerificationOnlyGetsTheCaAdded() {
            Tiller tiller = tiller("tls-no-client-verification/failure.verify-env-empty");
            assertThat(tiller.tls().enabled()).isTrue();
            assertThat(tiller.tls().caPresent()).isFalse();

            RemediationPlan plan = plan(RemediationKind.ENABLE_TLS_VERIFY, tiller);

            assertThat(plan.refusal()).isEmpty();
            assertThat(stepNames(plan.steps())).containsExactly("certificate", "configure");
            assertThat(plan.parameters().asMap()).containsEntry("mode", "verify-only").containsEntry("secret", "tiller-secret");
            PlanStep certificate = step(plan.steps(), "certificate");
            assertThat(certificate.title()).contains("Add Helm Warden's CA");
            assertThat(certificate.before()).isEqualTo("Secret tiller-secret: tls.crt, tls.key");
            assertThat(certificate.after()).contains("tls.crt, tls.key kept", "ca.crt = Helm Warden's CA");
            PlanStep configure = step(plan.steps(), "configure");
            assertThat(configure.before()).contains("TILLER_TLS_VERIFY set but empty");
            assertThat(configure.after()).startsWith("TILLER_TLS_VERIFY=1")
                    .as("the Secret is already mounted and TLS already on").doesNotContain("mounted read-only",
                            "TILLER_TLS_ENABLE");
        }

        @Test
        void tlsOnWithoutAReadableCertificateGetsTheFullTreatment() {
            List<HasMetadata> objects = objects("tls-no-client-verification/failure.verify-env-empty");
            objects.removeIf(o -> o instanceof Secret && "tiller-secret".equals(o.getMetadata().getName()));
            Tiller tiller = tiller(objects);
            assertThat(tiller.tls().enabled()).isTrue();
            assertThat(tiller.tls().certificate()).isEmpty();

            RemediationPlan plan = plan(RemediationKind.ENABLE_TLS_VERIFY, tiller);

            assertThat(plan.refusal()).isEmpty();
            assertThat(plan.parameters().asMap()).containsEntry("mode", "full");
            assertThat(step(plan.steps(), "certificate").title()).isEqualTo("Issue a server certificate and write it with the CA");
            assertThat(step(plan.steps(), "certificate").before()).isEqualTo("no server certificate");
        }

        @Test
        void aTillerAlreadyVerifyingClientsIsRefused() {
            RemediationPlan plan = plan(RemediationKind.ENABLE_TLS_VERIFY, tiller(HARDENED));

            assertThat(plan.refusal()).hasValue("TLS with client verification is already on");
        }

        @Test
        void noCertificateIsIssuedWithoutAKeyEncryptionKey() {
            RemediationPlan plan = plan(RemediationKind.ENABLE_TLS_VERIFY, tiller(NO_TLS),
                    new PlanInput.Settings(200, false, false));

            assertThat(plan.refusal()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("helmwarden.pki.key-encryption-key is not set", "issues no certificates"));
        }
    }

    @Nested
    class RotateCertificate {

        @Test
        void aTillerServingTlsGetsANewCertificateAndARestart() {
            RemediationPlan plan = plan(RemediationKind.ROTATE_CERTIFICATE, tiller(HARDENED));

            assertThat(plan.refusal()).isEmpty();
            assertThat(stepNames(plan.steps())).containsExactly("certificate", "configure");
            assertThat(plan.parameters().asMap()).containsEntry("mode", "full").containsEntry("secret", "tiller-secret");
            assertThat(step(plan.steps(), "certificate").before())
                    .isEqualTo("CN=tiller-server, issued by CN=fixture CA, valid until 2030-01-01T00:00:00Z");
            assertThat(step(plan.steps(), "certificate").after()).contains("Helm Warden's CA", "loopback");
            assertThat(step(plan.steps(), "configure").after()).contains("pods restarted");
        }

        @Test
        void aTillerWithoutTlsIsSentToEnableTlsInstead() {
            RemediationPlan plan = plan(RemediationKind.ROTATE_CERTIFICATE, tiller(NO_TLS));

            assertThat(plan.refusal()).hasValue("TLS is off: enable TLS with client verification instead");
        }

        @Test
        void noCertificateIsIssuedWithoutAKeyEncryptionKey() {
            RemediationPlan plan = plan(RemediationKind.ROTATE_CERTIFICATE, tiller(HARDENED),
                    new PlanInput.Settings(200, false, false));

            assertThat(plan.refusal()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("key-encryption-key is not set"));
        }

        @Test
        void theKeyEncryptionKeyMattersOnlyToCertificates() {
            RemediationPlan plan = plan(RemediationKind.LIMIT_HISTORY, tiller(UNLIMITED_HISTORY),
                    new PlanInput.Settings(200, false, false));

            assertThat(plan.refusal()).isEmpty();
        }
    }

    @Nested
    class ListenLocalhost {

        @Test
        void theListenFlagIsRewrittenWhereItIsWrittenAndEverythingElseKept() {
            Tiller tiller = tiller("listens-on-all-interfaces/failure.all-interfaces-in-command");

            RemediationPlan plan = plan(RemediationKind.LISTEN_LOCALHOST, tiller);

            assertThat(plan.refusal()).isEmpty();
            assertThat(stepNames(plan.steps())).containsExactly("listen");
            PlanStep listen = plan.steps().get(0);
            assertThat(listen.before()).contains("listen: 0.0.0.0:44134", "command: [/tiller, -listen=0.0.0.0:44134]");
            assertThat(listen.after()).contains("listen: 127.0.0.1:44134",
                    "command: [/tiller, -listen=127.0.0.1:44134]", "args: [--storage=secret]", "port-forwarding")
                    .doesNotContain("0.0.0.0");
        }

        @Test
        void anAbsentListenFlagIsAddedToArgs() {
            RemediationPlan plan = plan(RemediationKind.LISTEN_LOCALHOST,
                    tiller("listens-on-all-interfaces/failure.default-listen"));

            assertThat(plan.refusal()).isEmpty();
            assertThat(plan.steps().get(0).before()).contains("listen: :44134");
            assertThat(plan.steps().get(0).after())
                    .contains("command: []", "args: [--storage=secret, --listen=127.0.0.1:44134]");
        }

        @Test
        void aTillerOnLoopbackIsRefusedWhateverTheSpelling() {
            assertThat(plan(RemediationKind.LISTEN_LOCALHOST, tiller(HARDENED)).refusal())
                    .hasValue("Tiller already listens on 127.0.0.1:44134");
            assertThat(plan(RemediationKind.LISTEN_LOCALHOST,
                    tiller("listens-on-all-interfaces/success.listen-in-command")).refusal())
                    .hasValue("Tiller already listens on localhost:44134");
        }
    }

    @Nested
    class RemoveService {

        @Test
        void keepingTheServiceMakesItClusterInternal() {
            RemediationPlan plan = plan(RemediationKind.REMOVE_SERVICE,
                    tiller("exposed-by-service/failure.node-port-service"), new PlanInput.Settings(200, true));

            assertThat(plan.refusal()).isEmpty();
            assertThat(stepNames(plan.steps())).containsExactly("service");
            assertThat(plan.parameters().asMap()).containsEntry("services", "tiller-deploy").containsEntry("keep", "true");
            PlanStep service = plan.steps().get(0);
            assertThat(service.title()).isEqualTo("Make the Service cluster-internal");
            assertThat(service.before()).isEqualTo("Service tiller-deploy (NodePort, ports [44134 (node port 30134)])");
            assertThat(service.after()).contains("ClusterIP", "node ports released");
        }

        @Test
        void otherwiseTheServiceIsDeleted() {
            RemediationPlan plan = plan(RemediationKind.REMOVE_SERVICE,
                    tiller("exposed-by-service/failure.node-port-service"), new PlanInput.Settings(200, false));

            assertThat(plan.refusal()).isEmpty();
            assertThat(plan.parameters().asMap()).containsEntry("services", "tiller-deploy").containsEntry("keep", "false");
            assertThat(plan.steps().get(0).title()).isEqualTo("Delete the Service");
            assertThat(plan.steps().get(0).after()).startsWith("no Service");
        }

        @Test
        void aTillerWithoutServiceIsRefused() {
            RemediationPlan plan = plan(RemediationKind.REMOVE_SERVICE, tiller(HARDENED));

            assertThat(plan.refusal()).hasValue("no Service exposes Tiller's gRPC port");
            assertThat(plan.parameters().asMap()).containsEntry("services", "");
        }
    }

    @Nested
    class DenyIngress {

        @Test
        void aNetworkPolicyIsAddedWhereNoneRestrictsIngress() {
            RemediationPlan plan = plan(RemediationKind.DENY_INGRESS, tiller("no-network-policy/failure.no-policy"));

            assertThat(plan.refusal()).isEmpty();
            assertThat(stepNames(plan.steps())).containsExactly("network-policy");
            assertThat(plan.steps().get(0).after()).startsWith("NetworkPolicy tiller-deny-ingress")
                    .contains("policy type Ingress", "no rule");
        }

        @Test
        void anAllowAllPolicyDoesNotCountAsARestriction() {
            RemediationPlan plan = plan(RemediationKind.DENY_INGRESS,
                    tiller("no-network-policy/failure.allow-all-ingress"));

            assertThat(plan.refusal()).isEmpty();
        }

        @Test
        void aTillerWhoseIngressIsDeniedIsRefusedNamingThePolicy() {
            RemediationPlan plan = plan(RemediationKind.DENY_INGRESS, tiller(HARDENED));

            assertThat(plan.refusal()).hasValue("ingress is already restricted by [tiller-deny-ingress]");
        }
    }

    @Nested
    class LimitHistory {

        @Test
        void theConfiguredMaximumIsWhatTheRunWrites() {
            RemediationPlan plan = plan(RemediationKind.LIMIT_HISTORY, tiller(UNLIMITED_HISTORY),
                    new PlanInput.Settings(25, false));

            assertThat(plan.refusal()).isEmpty();
            assertThat(stepNames(plan.steps())).containsExactly("history");
            assertThat(plan.parameters().asMap()).containsEntry("max", "25");
            assertThat(plan.steps().get(0).title()).isEqualTo("Keep at most 25 revisions per release");
            assertThat(plan.steps().get(0).before()).isEqualTo("history-max: unlimited");
            assertThat(plan.steps().get(0).after()).startsWith("history-max: 25");
        }

        @Test
        void aConfiguredMaximumOfZeroWouldChangeNothingAndIsRefused() {
            RemediationPlan plan = plan(RemediationKind.LIMIT_HISTORY, tiller(UNLIMITED_HISTORY),
                    new PlanInput.Settings(0, false));

            assertThat(plan.refusal()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("helmwarden.remediation.history-max is 0"));
        }

        @Test
        void aFlagOfZeroBeatsTheEnvironmentAndIsUnlimited() {
            RemediationPlan plan = plan(RemediationKind.LIMIT_HISTORY,
                    tiller("unlimited-history/failure.flag-overrides-env"));

            assertThat(plan.refusal()).isEmpty();
        }

        @Test
        void aLimitedHistoryIsRefused() {
            assertThat(plan(RemediationKind.LIMIT_HISTORY, tiller(HARDENED)).refusal())
                    .hasValue("history is already limited to 10");
        }
    }

    @Nested
    class RestrictScope {

        @Test
        void theNewScopeIsTheTeamsNamespacesWithoutTheStorageNamespace() {
            Tiller tiller = tiller(RELEASE_IN_OTHER_TEAM);

            RemediationPlan plan = plan(RemediationKind.RESTRICT_SCOPE, tiller);

            assertThat(plan.refusal()).isEmpty();
            assertThat(stepNames(plan.steps()))
                    .containsExactly("service-account", "roles", "outside-bindings", "cluster-bindings", "switch-account");
            assertThat(plan.parameters().asMap())
                    .as("team-tiller holds the records, search is team search's")
                    .containsEntry("namespaces", "payments")
                    .containsEntry("serviceAccount", "tiller")
                    .containsEntry("previousServiceAccount", "tiller")
                    .containsEntry("storage", "secrets");
            PlanStep roles = step(plan.steps(), "roles");
            assertThat(roles.before()).isEqualTo("may create workloads in [payments, search]");
            assertThat(roles.after()).contains("Role + RoleBinding helm-warden-tiller in [payments]",
                    "Role + RoleBinding helm-warden-tiller-storage in team-tiller (secrets)").doesNotContain("search");
        }

        @Test
        void onlyBindingsInTheTeamsNamespacesAreTakenApartOthersAreForThePersonToAccept() {
            Tiller tiller = tiller(RELEASE_IN_OTHER_TEAM);

            RemediationPlan plan = plan(RemediationKind.RESTRICT_SCOPE, tiller);

            assertThat(split(plan.parameters().asMap().get("roleBindings"), ";"))
                    .as("its old storage binding goes (helm-warden-tiller-storage replaces it); search is not the team's")
                    .containsExactly("team-tiller/tiller-storage");
            PlanStep outside = step(plan.steps(), "outside-bindings");
            assertThat(outside.before()).isEqualTo("RoleBinding team-tiller/tiller-storage\n"
                    + "RoleBinding search/tiller-manager (not the team's namespace)");
            assertThat(outside.after()).contains("[team-tiller/tiller-storage]").doesNotContain("search");
            assertThat(plan.toAccept()).anySatisfy(consequence -> assertThat(consequence)
                    .startsWith("RoleBinding search/tiller-manager keeps granting this Tiller rights in namespace search")
                    .contains("not team payments's", "Helm Warden writes nothing there"));
        }

        @Test
        void releasesOutsideTheNewScopeAreForThePersonToAccept() {
            Tiller tiller = tiller(RELEASE_IN_OTHER_TEAM);
            assertThat(releaseNamespaces(tiller))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("inside", "payments", "outside", "search"));

            RemediationPlan plan = plan(RemediationKind.RESTRICT_SCOPE, tiller);

            assertThat(plan.toAccept()).hasSize(2)
                    .contains("release outside (namespace search) falls outside the new scope: Tiller can no longer"
                            + " upgrade or delete it")
                    .noneSatisfy(consequence -> assertThat(consequence).contains("release inside"));
        }

        @Test
        void aTillerOnTheDefaultAccountGetsItsOwnAndLeavesTheDefaultsBindings() {
            Tiller tiller = tiller("tiller-default-service-account/failure.service-account-unset");
            assertThat(tiller.serviceAccount()).isEqualTo("default");

            RemediationPlan plan = plan(RemediationKind.RESTRICT_SCOPE, tiller);

            assertThat(plan.refusal()).isEmpty();
            assertThat(plan.parameters().asMap()).containsEntry("serviceAccount", "tiller")
                    .containsEntry("previousServiceAccount", "default").containsEntry("namespaces", "payments");
            assertThat(step(plan.steps(), "service-account").before()).isEqualTo("service account: default");
            assertThat(step(plan.steps(), "service-account").after()).isEqualTo("service account: tiller (created)");
            assertThat(step(plan.steps(), "switch-account").before()).isEqualTo("serviceAccountName: default");
            assertThat(step(plan.steps(), "switch-account").after()).isEqualTo("serviceAccountName: tiller");
            assertThat(split(plan.parameters().asMap().get("roleBindings"), ";")).containsExactly("team-tiller/tiller-storage");
        }

        @Test
        void anExistingOwnAccountIsKept() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_SCOPE, tiller(HARDENED));

            assertThat(step(plan.steps(), "service-account").after()).isEqualTo("service account: tiller (kept)");
        }

        @Test
        void configMapStorageKeepsConfigMapRights() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_SCOPE, tiller(CONFIGMAP_STORAGE));

            assertThat(plan.parameters().asMap()).containsEntry("storage", "configmaps");
            assertThat(step(plan.steps(), "roles").after()).contains("helm-warden-tiller-storage in team-tiller (configmaps)");
        }

        @Test
        void clusterWideBindingsAreNamed() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_SCOPE,
                    tiller("tiller-cluster-admin/failure.cluster-role-binding"));

            assertThat(plan.refusal()).isEmpty();
            assertThat(step(plan.steps(), "roles").before()).isEqualTo("may create workloads cluster-wide");
            assertThat(step(plan.steps(), "cluster-bindings").before())
                    .isEqualTo("ClusterRoleBinding tiller → ClusterRole cluster-admin");
            assertThat(split(plan.parameters().asMap().get("roleBindings"), ";"))
                    .as("a ClusterRoleBinding is not a RoleBinding to take apart").containsExactly("team-tiller/tiller-storage");
        }

        @Test
        void withoutClusterWideBindingsTheStepSaysNone() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_SCOPE, tiller(HARDENED));

            assertThat(step(plan.steps(), "cluster-bindings").before()).isEqualTo("none");
        }

        @Test
        void storageInAnotherTeamNamespaceIsLeftOutOfTheScope() {
            Tiller tiller = tiller("records-in-foreign-namespace/success.same-team-namespace");

            RemediationPlan plan = plan(RemediationKind.RESTRICT_SCOPE, tiller);

            assertThat(plan.refusal()).isEmpty();
            assertThat(plan.parameters().asMap()).containsEntry("namespaces", "team-tiller");
            assertThat(step(plan.steps(), "roles").after()).contains("helm-warden-tiller in [team-tiller]",
                    "helm-warden-tiller-storage in payments (secrets)");
        }

        @Test
        void anUnownedTillerIsRefused() {
            Tiller tiller = tiller("unowned-tiller/failure.unowned-namespace");
            assertThat(tiller.team()).isEmpty();

            RemediationPlan plan = plan(RemediationKind.RESTRICT_SCOPE, tiller);

            assertThat(plan.refusal()).hasValueSatisfying(reason -> assertThat(reason)
                    .startsWith("no team owns this Tiller").contains("Namespace ownership"));
        }

        @Test
        void aTeamOwningNothingButTheStorageNamespaceIsRefused() {
            Tiller tiller = tiller(HARDENED);

            RemediationPlan plan = RemediationKind.RESTRICT_SCOPE.plan(new PlanInput(tiller, SETTINGS,
                    List.of("team-tiller"), Map.of()));

            assertThat(plan.refusal()).hasValue("team payments owns no namespace on this cluster besides the Tiller's own");
            assertThat(plan.parameters().asMap()).containsEntry("namespaces", "");
        }
    }

    @Nested
    class RestrictDrivers {

        static final String CONTRACTORS = "contractors-pod-debugger|Group|contractors|";
        static final String DEVELOPERS = "developers-pod-debugger|Group|developers|";

        /** team-search in the Tiller namespace's helm-user RoleBinding, two groups through ClusterRoleBindings. */
        Tiller drivenFromEverywhere() {
            // Insertion order developers first: the options must come out sorted anyway.
            var bindings = new java.util.LinkedHashMap<String, String>();
            bindings.put("developers-pod-debugger", "developers");
            bindings.put("contractors-pod-debugger", "contractors");
            return tiller(withClusterWidePortForward(objects(OTHER_TEAM_DRIVES), bindings));
        }

        @Test
        void anotherTeamsGroupLeavesTheTillerNamespacesBindings() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_DRIVERS, tiller(OTHER_TEAM_DRIVES));

            assertThat(plan.refusal()).isEmpty();
            assertThat(stepNames(plan.steps())).containsExactly("bindings");
            assertThat(plan.parameters().asMap()).containsEntry("subjects", "Group|team-search|").doesNotContainKey("clusterBindings");
            PlanStep bindings = plan.steps().get(0);
            assertThat(bindings.title()).isEqualTo("Remove them from the RoleBindings in team-tiller");
            assertThat(bindings.before()).isEqualTo("Group team-search");
            assertThat(bindings.after()).contains("no longer subjects of RoleBindings in team-tiller")
                    .doesNotContain("ClusterRoleBindings");
            assertThat(plan.toAccept())
                    .containsExactly("Group team-search loses the right to create pods or port-forward in team-tiller");
            assertThat(plan.options()).isEmpty();
        }

        @Test
        void whoMayCreatePodsThereIsTakenOutToo() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_DRIVERS,
                    tiller("identity-can-be-stolen/failure.ci-can-create-pods"));

            assertThat(plan.refusal()).isEmpty();
            assertThat(split(plan.parameters().asMap().get("subjects"), ";")).containsExactly("ServiceAccount|gitlab-runner|ci");
            assertThat(plan.toAccept()).containsExactly(
                    "ServiceAccount ci/gitlab-runner loses the right to create pods or port-forward in team-tiller");
        }

        @Test
        void clusterWideBindingsAreOnlyOfferedOneByOneNeverChangedByDefault() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_DRIVERS, drivenFromEverywhere());

            assertThat(plan.refusal()).isEmpty();
            assertThat(split(plan.parameters().asMap().get("subjects"), ";"))
                    .containsExactlyInAnyOrder("Group|team-search|", "Group|developers|", "Group|contractors|");
            assertThat(plan.parameters().asMap()).as("nothing cluster-wide changes unless an admin ticks it")
                    .doesNotContainKey("clusterBindings");
            assertThat(plan.options()).extracting(RemediationPlan.Option::id).containsExactly(CONTRACTORS, DEVELOPERS);
            assertThat(plan.options().get(1).description()).isEqualTo("Group developers is taken out of ClusterRoleBinding"
                    + " developers-pod-debugger (ClusterRole pod-debugger): it loses what that binding gives in every"
                    + " namespace of the cluster, not only in team-tiller");
            assertThat(plan.toAccept()).as("only the namespaced change is part of the default")
                    .containsExactly("Group team-search loses the right to create pods or port-forward in team-tiller");
            assertThat(plan.steps().get(0).after()).contains("ClusterRoleBindings: only those ticked below change");
        }

        @Test
        void aGroupReachingItOnlyThroughAClusterRoleBindingIsNoNamespacedConsequence() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_DRIVERS, tiller(CLUSTER_WIDE_DRIVERS));

            assertThat(plan.refusal()).isEmpty();
            assertThat(plan.toAccept()).isEmpty();
            assertThat(plan.options()).extracting(RemediationPlan.Option::id)
                    .containsExactly("developers-pod-debugger|Group|developers|");
        }

        @Test
        void chosenOptionsAreStoredSortedOnceAndTheirConsequencesAccepted() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_DRIVERS, drivenFromEverywhere());

            RemediationPlan chosen = plan.choosing(List.of(DEVELOPERS, CONTRACTORS, DEVELOPERS));

            assertThat(chosen.parameters().asMap()).containsEntry("clusterBindings", CONTRACTORS + ";" + DEVELOPERS)
                    .containsEntry("subjects", plan.parameters().asMap().get("subjects"));
            assertThat(chosen.toAccept()).hasSize(3)
                    .startsWith("Group team-search loses the right to create pods or port-forward in team-tiller")
                    .contains(plan.options().get(0).description(), plan.options().get(1).description());
            assertThat(chosen.steps()).isEqualTo(plan.steps());
            assertThat(plan.parameters().asMap()).as("the previewed plan is left as it was").doesNotContainKey("clusterBindings");
        }

        @Test
        void choosingOneOptionAcceptsOnlyThatOne() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_DRIVERS, drivenFromEverywhere());

            RemediationPlan chosen = plan.choosing(java.util.Set.of(CONTRACTORS));

            assertThat(chosen.parameters().asMap()).containsEntry("clusterBindings", CONTRACTORS);
            assertThat(chosen.toAccept()).contains(plan.options().get(0).description())
                    .doesNotContain(plan.options().get(1).description());
        }

        @Test
        void choosingNothingLeavesThePlanAsPreviewed() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_DRIVERS, drivenFromEverywhere());

            assertThat(plan.choosing(List.of())).isSameAs(plan);
        }

        @Test
        void aForgedOptionIsRefused() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_DRIVERS, drivenFromEverywhere());
            String forged = "cluster-admins|Group|platform-admins|";

            assertThatThrownBy(() -> plan.choosing(List.of(CONTRACTORS, forged)))
                    .isInstanceOf(RemediationPlan.PlanChanged.class)
                    .hasMessageContaining("not offered by this plan")
                    .hasMessageContaining(forged)
                    .hasMessageNotContaining(CONTRACTORS);
            assertThatThrownBy(() -> plan(RemediationKind.RESTRICT_DRIVERS, tiller(OTHER_TEAM_DRIVES))
                    .choosing(List.of(DEVELOPERS)))
                    .as("a plan without options offers nothing to choose").isInstanceOf(RemediationPlan.PlanChanged.class);
        }

        @Test
        void aTillerOnlyItsOwnersMayDriveIsRefused() {
            RemediationPlan plan = plan(RemediationKind.RESTRICT_DRIVERS, tiller(HARDENED));

            assertThat(plan.refusal()).hasValue("only its owners, admins and the control plane may drive it");
            assertThat(plan.parameters().asMap()).containsEntry("subjects", "");
        }
    }

    @Nested
    class Accepting {

        @Test
        void moreConsequencesAreAddedAfterThePlansOwnAndNothingElseChanges() {
            RemediationPlan plan = plan(RemediationKind.ENABLE_TLS_VERIFY, tiller(NO_TLS));
            String own = plan.toAccept().get(0);

            RemediationPlan more = plan.accepting(List.of("Client certificate 0a1b of Kim stops working."));

            assertThat(more.toAccept()).containsExactly(own, "Client certificate 0a1b of Kim stops working.");
            assertThat(more.steps()).isEqualTo(plan.steps());
            assertThat(more.parameters().asMap()).isEqualTo(plan.parameters().asMap());
            assertThat(more.refusal()).isEqualTo(plan.refusal());
            assertThat(plan.toAccept()).containsExactly(own);
        }
    }

    @Test
    void kindsAreFoundByTheChecksRemediationIds() {
        assertThat(RemediationKind.of("restrict-drivers")).hasValue(RemediationKind.RESTRICT_DRIVERS);
        assertThat(RemediationKind.of("dedicated-service-account")).hasValue(RemediationKind.RESTRICT_SCOPE);
        assertThat(RemediationKind.of("migrate-storage-to-secrets")).hasValue(RemediationKind.MIGRATE_STORAGE);
        assertThat(RemediationKind.of("format-the-disk")).isEmpty();
    }

    @Nested
    class Migration {

        @Test
        void configMapRecordsAreCopiedThenTillerSwitchedToSecrets() {
            Tiller tiller = tiller(CONFIGMAP_STORAGE);

            RemediationPlan plan = RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller, SETTINGS));

            assertThat(plan.refusal()).isEmpty();
            assertThat(plan.tillerId()).isEqualTo("fixture/team-tiller/tiller-deploy");
            assertThat(stepNames(plan.steps()))
                    .containsExactly("preflight", "quiesce", "copy", "verify", "switch", "resume", "retire")
                    .isEqualTo(RemediationKind.MIGRATE_STORAGE.stepNames());
            assertThat(step(plan.steps(), "preflight").before()).isEqualTo("1 ConfigMap records in team-tiller");
            assertThat(step(plan.steps(), "quiesce").before()).isEqualTo("replicas: 1");
            assertThat(step(plan.steps(), "quiesce").after()).startsWith("replicas: 0");
            assertThat(step(plan.steps(), "copy").before()).isEqualTo("inside.v1 as ConfigMaps");
            assertThat(step(plan.steps(), "switch").before()).isEqualTo("command: []\nargs: [--listen=127.0.0.1:44134]");
            assertThat(step(plan.steps(), "switch").after())
                    .isEqualTo("command: []\nargs: [--listen=127.0.0.1:44134, --storage=secret]");
            assertThat(step(plan.steps(), "resume").after()).isEqualTo("replicas: 1");
            assertThat(step(plan.steps(), "retire").after()).contains("helm-warden.io/migrated=true", "kept for rollback");
        }

        @Test
        void aStorageFlagInTheCommandIsRewrittenThere() {
            RemediationPlan plan = RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller("releases-in-configmaps/failure.storage-flag-in-command"), SETTINGS));

            assertThat(plan.refusal()).isEmpty();
            assertThat(step(plan.steps(), "switch").after())
                    .isEqualTo("command: [/tiller, -storage, secret, -listen, 127.0.0.1:44134]\nargs: []");
        }

        @Test
        void aLongListOfRecordsIsCutAfterTwenty() {
            List<HasMetadata> objects = objects(CONFIGMAP_STORAGE);
            String payload = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                    .findFirst().orElseThrow().getData().get("release");
            for (int i = 1; i <= 25; i++) {
                String release = String.format("app-%02d", i);
                objects.add(new ConfigMapBuilder().withNewMetadata().withName(release + ".v1").withNamespace("team-tiller")
                        .addToLabels(Map.of("OWNER", "TILLER", "NAME", release, "STATUS", "DEPLOYED", "VERSION", "1"))
                        .endMetadata().addToData("release", payload).build());
            }

            RemediationPlan plan = RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller(objects), SETTINGS));

            assertThat(step(plan.steps(), "preflight").before()).isEqualTo("26 ConfigMap records in team-tiller");
            assertThat(step(plan.steps(), "copy").before()).startsWith("app-01.v1, app-02.v1, ")
                    .contains("app-20.v1 and 6 more as ConfigMaps").doesNotContain("app-21", "inside.v1");
        }

        @Test
        void recordsInSecretsAreNotCountedAsRecordsToCopy() {
            Tiller tiller = tiller("stale-records-other-storage/failure.secrets-after-revert");
            assertThat(tiller.records()).extracting(ReleaseRecord::kind).containsExactly("Secret");

            RemediationPlan plan = RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller, SETTINGS));

            assertThat(plan.refusal()).isEmpty();
            assertThat(step(plan.steps(), "preflight").before()).isEqualTo("0 ConfigMap records in team-tiller");
            assertThat(step(plan.steps(), "copy").before()).doesNotContain("inside");
        }

        @Test
        void aTillerOnSecretsIsRefused() {
            RemediationPlan plan = RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller(HARDENED), SETTINGS));

            assertThat(plan.refusal()).hasValue("this Tiller already stores releases in secret");
            assertThat(stepNames(plan.steps())).as("the preview still shows what a run would do")
                    .isEqualTo(RemediationKind.MIGRATE_STORAGE.stepNames());
        }
    }

    @Nested
    class Provisioning {

        @Test
        void aHardenedTillerForTheTeamIsPlanned() {
            ProvisioningPlan plan = ProvisioningPlan.of("prod-eu", "payments", "payments-tiller",
                    List.of("payments", "payments-jobs"), List.of("team-payments", "team-payments-leads"), 15,
                    "ghcr.io/helm/tiller:v2.17.0");

            assertThat(plan.tillerId()).hasToString("prod-eu/payments-tiller/tiller-deploy");
            assertThat(plan.team()).isEqualTo("payments");
            assertThat(stepNames(plan.steps())).containsExactly("namespaces", "service-account", "roles", "team-access",
                    "certificate", "deployment", "network-policy").isEqualTo(RemediationKind.PROVISION_TILLER.stepNames());
            assertThat(plan.parameters().asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "team", "payments",
                    "namespaces", "payments,payments-jobs",
                    "groups", "team-payments,team-payments-leads",
                    "historyMax", "15",
                    "image", "ghcr.io/helm/tiller:v2.17.0",
                    "serviceAccount", "tiller",
                    "storage", "secrets",
                    "secret", "tiller-secret",
                    "mode", "full"));
            assertThat(step(plan.steps(), "namespaces").after())
                    .startsWith("payments-tiller (Tiller) and [payments, payments-jobs]").contains("team payments");
            assertThat(step(plan.steps(), "service-account").after()).isEqualTo("ServiceAccount tiller in payments-tiller");
            assertThat(step(plan.steps(), "roles").after()).contains(
                    "Role + RoleBinding helm-warden-tiller in [payments, payments-jobs]",
                    "Role + RoleBinding helm-warden-tiller-storage (secrets) in payments-tiller",
                    "no cluster-wide binding");
            assertThat(step(plan.steps(), "team-access").after()).contains("helm-warden-team-access in payments-tiller",
                    "create pods/portforward", "[team-payments, team-payments-leads]");
            assertThat(step(plan.steps(), "certificate").after()).contains("127.0.0.1", "tiller-deploy[.payments-tiller[.svc]]");
            assertThat(step(plan.steps(), "deployment").after()).contains("image ghcr.io/helm/tiller:v2.17.0",
                    "--storage=secret --listen=127.0.0.1:44134", "TILLER_HISTORY_MAX=15", "non-root", "no Service");
            assertThat(step(plan.steps(), "network-policy").after()).contains("NetworkPolicy tiller-deny-ingress");
            assertThat(plan.steps()).allSatisfy(s -> assertThat(s.before()).isEqualTo("—"));
        }
    }

    @Nested
    class Decommission {

        @Test
        void keepingRecordsKeepsTheTillerNamespace() {
            DecommissionPlan plan = DecommissionPlan.of("prod-eu", "payments", "payments-tiller",
                    List.of("payments", "payments-jobs"), 3, true);

            assertThat(plan.tillerId()).hasToString("prod-eu/payments-tiller/tiller-deploy");
            assertThat(plan.team()).isEqualTo("payments");
            assertThat(plan.records()).isEqualTo(3);
            assertThat(plan.keepRecords()).isTrue();
            assertThat(stepNames(plan.steps())).containsExactly("check-releases", "deployment", "network-policy",
                    "team-access", "roles", "certificate", "service-account", "namespace")
                    .isEqualTo(RemediationKind.DECOMMISSION_TILLER.stepNames());
            assertThat(plan.parameters().asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "namespaces", "payments,payments-jobs", "keepRecords", "true", "serviceAccount", "tiller"));
            assertThat(step(plan.steps(), "check-releases").before()).isEqualTo("3 release records");
            assertThat(step(plan.steps(), "check-releases").after()).isEqualTo("records kept for a later Tiller or helm-2to3");
            assertThat(step(plan.steps(), "namespace").before()).isEqualTo("payments-tiller");
            assertThat(step(plan.steps(), "namespace").after()).isEqualTo("kept, with its 3 release records");
        }

        @Test
        void keepingRecordsThereAreNoneOfSaysWhatTheRunDoes() {
            DecommissionPlan plan = DecommissionPlan.of("prod-eu", "payments", "payments-tiller",
                    List.of("payments"), 0, true);

            assertThat(step(plan.steps(), "namespace").after()).as("the run deletes a namespace without records")
                    .startsWith("deleted if Helm Warden created it");
        }

        @Test
        void otherwiseItStopsOnRecordsAndDeletesTheTillerNamespaceOnly() {
            DecommissionPlan plan = DecommissionPlan.of("prod-eu", "payments", "payments-tiller",
                    List.of("payments", "payments-jobs"), 3, false);

            assertThat(plan.keepRecords()).isFalse();
            assertThat(plan.parameters().asMap()).containsEntry("keepRecords", "false");
            assertThat(step(plan.steps(), "check-releases").after()).isEqualTo("stops unless there are none");
            assertThat(step(plan.steps(), "namespace").after())
                    .isEqualTo("deleted if Helm Warden created it (a namespace that existed before is kept)");
            PlanStep roles = step(plan.steps(), "roles");
            assertThat(roles.before()).isEqualTo(
                    "helm-warden-tiller in [payments, payments-jobs], helm-warden-tiller-storage in payments-tiller");
            assertThat(roles.after()).contains("the namespaces stay");
            assertThat(plan.steps()).as("the team's workload namespaces are never a step's object")
                    .noneSatisfy(s -> assertThat(s.before()).isIn("payments", "payments-jobs"));
        }
    }
}
