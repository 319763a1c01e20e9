package io.helmwarden.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.Finding;
import io.helmwarden.cluster.AdditionalClusters;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.demo.DemoFleet;
import io.helmwarden.tenancy.Role;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import io.helmwarden.support.kube.KubeApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.test.web.servlet.MockMvc;
import static org.awaitility.Awaitility.await;

/**
 * The whole app watching a real API server that holds the demo fleet: Tillers found, judged, and kept
 * current by watches (a deleted binding changes the findings without a restart), exported as JSON.
 */
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:fleet-inventory;DB_CLOSE_DELAY=-1",
        "spring.security.oauth2.client.registration.test.client-id=helm-warden",
        "spring.security.oauth2.client.registration.test.authorization-grant-type=authorization_code",
        "spring.security.oauth2.client.registration.test.redirect-uri={baseUrl}/login/oauth2/code/test",
        "spring.security.oauth2.client.provider.test.authorization-uri=https://idp.invalid/authorize",
        "spring.security.oauth2.client.provider.test.token-uri=https://idp.invalid/token",
        "helmwarden.teams[0].id=payments",
        "helmwarden.teams[0].display-name=Payments",
        "helmwarden.teams[0].member-groups=team-payments",
        "helmwarden.teams[0].namespaces.real=payments-tiller,payments-prod,payments-staging",
        "helmwarden.inventory-refresh=200ms"})
@AutoConfigureMockMvc
class FleetInventoryIT {

    static KubernetesClient admin;

    @Autowired
    FleetState fleet;

    @Autowired
    MockMvc mvc;

    @BeforeAll
    static void seed() {
        admin = KubeApiServer.shared().adminClient();
        DemoFleet.createIn(admin, DemoFleet.clusters(Instant.now()).get(0).objects());
    }

    @TestConfiguration
    static class RealCluster {
        /**
         * The same API server twice: as an administrator, and as an identity that may read everything but
         * Secrets (a common least-privilege mistake), which must degrade to a reported error, not a failure.
         */
        @Bean
        AdditionalClusters realApiServer() {
            KubeApiServer server = KubeApiServer.shared();
            KubernetesClient admin = server.adminClient();
            admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("no-secrets")
                    .endMetadata().addNewRule().withApiGroups("", "apps", "batch", "networking.k8s.io", "rbac.authorization.k8s.io")
                    .withResources("namespaces", "deployments", "statefulsets", "daemonsets", "replicasets", "pods",
                            "replicationcontrollers", "jobs", "services", "configmaps", "networkpolicies", "roles", "clusterroles",
                            "rolebindings", "clusterrolebindings")
                    .withVerbs("get", "list", "watch").endRule().build()).createOr(existing -> existing.update());
            admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                    .withName("no-secrets").endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "no-secrets")
                    .addNewSubject().withKind("User").withName("limited-warden").endSubject().build())
                    .createOr(existing -> existing.update());
            return () -> List.of(
                    new Cluster("real", "Real API server", "test kube-apiserver", server.url(), admin),
                    new Cluster("limited", "Without Secrets", "test kube-apiserver", server.url(),
                            server.clientAs("limited-warden")));
        }
    }

    @Test
    void findsJudgesAndFollowsTheFleet() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.cluster("real")
                .map(inventory -> inventory.synced() && inventory.tillers().size() >= 3).orElse(false));
        // Other tests of this class add and remove records in kube-system: wait for the fixture's own state.
        await().atMost(Duration.ofSeconds(20)).until(() ->
                tiller("real/kube-system/tiller-deploy").tiller().storage().configMapRecords() == 9);

        var kubeSystem = tiller("real/kube-system/tiller-deploy");
        assertThat(checks(kubeSystem)).contains("tiller-cluster-admin", "grpc-no-tls", "releases-in-configmaps",
                "tiller-in-kube-system", "unowned-tiller", "unlimited-history", "helm2-end-of-life");
        assertThat(kubeSystem.tiller().rbac().scope().clusterWide()).isTrue();
        assertThat(kubeSystem.tiller().storage().configMapRecords()).isEqualTo(9);

        var payments = tiller("real/payments-tiller/tiller-deploy");
        assertThat(payments.tiller().team()).contains("payments");
        assertThat(payments.tiller().rbac().scope().namespaces()).containsExactly("payments-prod", "payments-staging");
        assertThat(checks(payments)).doesNotContain("grpc-no-tls", "tls-no-client-verification", "tiller-cluster-admin",
                "releases-in-configmaps", "listens-on-all-interfaces", "exposed-by-service", "no-network-policy",
                "unexpected-drivers", "unowned-tiller", "unlimited-history");
        assertThat(payments.score()).isGreaterThan(kubeSystem.score());

        var search = tiller("real/search-tiller/tiller-deploy");
        assertThat(checks(search)).contains("tls-no-client-verification", "certificate-expiring",
                "tiller-default-service-account").doesNotContain("grpc-no-tls");

        // Release payloads are decoded in the background: the newest revision's target namespace is known.
        await().atMost(Duration.ofSeconds(20)).until(() -> tiller("real/kube-system/tiller-deploy").tiller().records()
                .stream().filter(record -> record.release().equals("ingress")).findFirst()
                .flatMap(record -> record.summary()).map(summary -> summary.targetNamespace().equals("ingress-nginx"))
                .orElse(false));

        // A change arrives by watch: without its cluster-admin binding the Tiller's scope collapses.
        admin.rbac().clusterRoleBindings().withName("tiller").delete();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !checks(tiller("real/kube-system/tiller-deploy")).contains("tiller-cluster-admin"));
        assertThat(tiller("real/kube-system/tiller-deploy").tiller().rbac().scope().isEmpty()).isTrue();

        mvc.perform(get("/api/inventory").with(oidcLogin()
                        .authorities(new SimpleGrantedAuthority(Role.PLATFORM_ADMIN.authority()))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.clusters[0].clusterId").value("real"))
                .andExpect(jsonPath("$.clusters[0].tillers[?(@.tiller.namespace == 'payments-tiller')].tiller.team")
                        .value("payments"));
        mvc.perform(get("/api/inventory")).andExpect(status().isUnauthorized());

        DemoFleet.createIn(admin, DemoFleet.clusters(Instant.now()).get(0).objects());
    }

    @Test
    void aKindThatCannotBeListedIsReportedAndTheRestKeepsWorking() {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.cluster("limited")
                .map(inventory -> inventory.errors().containsKey("Secret") && inventory.tillers().size() >= 3)
                .orElse(false));
        var limited = fleet.cluster("limited").orElseThrow();
        assertThat(limited.errors().get("Secret")).startsWith("HTTP 403 Forbidden");
        assertThat(fleet.tiller("limited/kube-system/tiller-deploy")).isPresent();
    }

    @Test
    void aCorruptReleasePayloadIsShownAsUnreadableWithItsReason() {
        admin.configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("broken.v1").withLabels(Map.of("OWNER", "TILLER", "NAME", "broken",
                        "STATUS", "DEPLOYED", "VERSION", "1")).endMetadata()
                .withData(Map.of("release", "H4sIAAAAAAAA/this is not a release")).build()).createOr(existing -> existing.update());
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("real/kube-system/tiller-deploy")
                .flatMap(state -> state.tiller().records().stream().filter(r -> r.release().equals("broken")).findFirst())
                .flatMap(record -> record.summary()).isPresent());
        var summary = fleet.tiller("real/kube-system/tiller-deploy").orElseThrow().tiller().records().stream()
                .filter(r -> r.release().equals("broken")).findFirst().orElseThrow().summary().orElseThrow();
        assertThat(summary.readable()).isFalse();
        assertThat(summary.unreadable()).hasValueSatisfying(reason -> assertThat(reason).startsWith("the payload is"));
        admin.configMaps().inNamespace("kube-system").withName("broken.v1").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> fleet.tiller("real/kube-system/tiller-deploy").orElseThrow()
                .tiller().records().stream().noneMatch(r -> r.release().equals("broken")));
    }

    private ClusterInventory.TillerState tiller(String id) {
        return fleet.tiller(id).orElseThrow(() -> new AssertionError("no Tiller " + id));
    }

    private static Set<String> checks(ClusterInventory.TillerState state) {
        return state.findings().stream().map(Finding::checkId).collect(Collectors.toSet());
    }

    /**
     * The Tillers the helm CLI would find that are not a Deployment's, StatefulSet's or DaemonSet's, on the real
     * API server: a bare Pod, an unowned ReplicaSet, ReplicationController and Job, and a Deployment known only by its
     * pod labels and a mirrored image; the Deployment's own ReplicaSet and Pod are not counted again.
     */
    @Test
    void tillersOutsideDeploymentsAreFoundAndNoneIsCountedTwice() throws Exception {
        String ns = "discovery-lab";
        admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(ns)
                .endMetadata().build()).createOr(existing -> existing.update());
        var helmLabels = Map.of("app", "helm", "name", "tiller");
        // No controller manager here: the default service account a namespace would get is made by hand.
        admin.serviceAccounts().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata().withName("default").endMetadata().build()).createOr(existing -> existing.update());
        admin.pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                .withName("tiller-by-hand").endMetadata().withNewSpec().withAutomountServiceAccountToken(false)
                .addNewContainer().withName("tiller")
                .withImage("gcr.io/kubernetes-helm/tiller:v2.14.3").endContainer().endSpec().build()).create();
        admin.apps().replicaSets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
                .withNewMetadata().withName("tiller-rs").endMetadata().withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(helmLabels).endSelector().withNewTemplate().withNewMetadata()
                .withLabels(helmLabels).endMetadata().withNewSpec().addNewContainer().withName("server")
                .withImage("registry.example/helm-server:v2.16.12").endContainer().endSpec().endTemplate().endSpec()
                .build()).create();
        admin.replicationControllers().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ReplicationControllerBuilder()
                .withNewMetadata().withName("tiller-rc").endMetadata().withNewSpec().withReplicas(1).withSelector(helmLabels)
                .withNewTemplate().withNewMetadata().withLabels(helmLabels).endMetadata().withNewSpec().addNewContainer()
                .withName("tiller").withImage("ghcr.io/helm/tiller:v2.17.0").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        // A Job nobody owns, as some install scripts run Tiller: found by its image alone.
        admin.batch().v1().jobs().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata().withName("tiller-job").endMetadata().withNewSpec().withNewTemplate().withNewSpec()
                .withRestartPolicy("Never").addNewContainer().withName("tiller")
                .withImage("quay.io/mirror/kubernetes-helm/tiller@sha256:" + "ab".repeat(32)).endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        var deployment = admin.apps().deployments().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.apps
                .DeploymentBuilder().withNewMetadata().withName("mirror").endMetadata().withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(helmLabels).endSelector().withNewTemplate().withNewMetadata()
                .withLabels(helmLabels).endMetadata().withNewSpec().addNewContainer().withName("server")
                .withImage("registry.example/mirror/helm-server:v2.16.12").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        // What a controller manager would make of that Deployment: its own ReplicaSet and Pod.
        var owned = admin.apps().replicaSets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.apps
                .ReplicaSetBuilder().withNewMetadata().withName("mirror-5c9d8").addNewOwnerReference()
                .withApiVersion("apps/v1").withKind("Deployment").withName("mirror")
                .withUid(deployment.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(helmLabels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(helmLabels).endMetadata().withNewSpec().addNewContainer()
                .withName("server").withImage("registry.example/mirror/helm-server:v2.16.12").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        admin.pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                .withName("mirror-5c9d8-xk2lp").withLabels(helmLabels).addNewOwnerReference().withApiVersion("apps/v1")
                .withKind("ReplicaSet").withName("mirror-5c9d8").withUid(owned.getMetadata().getUid()).withController(true)
                .endOwnerReference().endMetadata().withNewSpec().withAutomountServiceAccountToken(false).addNewContainer()
                .withName("server").withImage("registry.example/mirror/helm-server:v2.16.12").endContainer().endSpec()
                .build()).create();

        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.cluster("real").map(inventory -> inventory.tillers()
                .stream().filter(state -> state.tiller().namespace().equals(ns)).count() >= 5).orElse(false));
        Thread.sleep(1000);
        var found = fleet.cluster("real").orElseThrow().tillers().stream().map(state -> state.tiller())
                .filter(tiller -> tiller.namespace().equals(ns)).toList();
        assertThat(found).extracting(tiller -> tiller.workloadKind() + " " + tiller.name()).containsExactlyInAnyOrder(
                "Pod tiller-by-hand", "ReplicaSet tiller-rs", "ReplicationController tiller-rc", "Deployment mirror",
                "Job tiller-job");
        assertThat(found).filteredOn(tiller -> tiller.name().equals("mirror")).singleElement()
                .satisfies(tiller -> assertThat(tiller.foundBy()).contains("on its pods"));
        assertThat(fleet.tiller("real/" + ns + "/tiller-by-hand").orElseThrow().findings())
                .extracting(finding -> finding.checkId()).contains("grpc-no-tls", "tiller-default-service-account");
    }
}
