package io.helmwarden.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.pki.CertificateAuthority;
import io.helmwarden.pki.IssuedCertificate;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.release.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A realistic Helm 2 fleet over two clusters, with every configuration Helm Warden must judge: a default
 * cluster-admin Tiller, a hardened per-team Tiller, TLS without client verification, a Tiller exposed
 * through a NodePort, storage overridden in {@code command} with records left behind in ConfigMaps, and
 * Go-style {@code -listen} flags. The demo mode serves it; the integration tests create the same objects
 * on a real API server, so the demo and the tests cannot drift apart.
 */
public final class DemoFleet {

    public static final String PRODUCTION = "prod-eu";
    public static final String STAGING = "staging";

    /** The objects of one demo cluster, in an order the API server accepts (namespaces first). */
    public record ClusterSeed(String id, String displayName, List<HasMetadata> objects) {
    }

    private DemoFleet() {
    }

    public static List<ClusterSeed> clusters(Instant now) {
        return List.of(production(now), staging(now));
    }

    /**
     * Creates the objects in order; an object that exists already (a namespace the server made itself, a
     * fixture seeded before) is server-side applied, which keeps the fields the server set, such as a
     * Service's cluster IP.
     */
    public static void createIn(KubernetesClient client, List<HasMetadata> objects) {
        objects.forEach(object -> client.resource(object).createOr(existing ->
                existing.fieldManager("helm-warden-fixtures").forceConflicts().serverSideApply()));
    }

    private static ClusterSeed production(Instant now) {
        var objects = new Objects();
        objects.namespaces("payments-tiller", "payments-prod", "payments-staging", "search-tiller", "search");

        // The classic: `helm init --service-account tiller` after binding that account to cluster-admin.
        var kubeSystem = new HelmInit("kube-system").image("gcr.io/kubernetes-helm/tiller:v2.16.1")
                .serviceAccount("tiller");
        objects.serviceAccount("kube-system", "tiller");
        objects.tiller(kubeSystem, "5d8f6c7b9d-x2k4q");
        objects.clusterAdmin("tiller", "kube-system", "tiller");
        objects.releases("kube-system", ReleaseStorage.CONFIGMAP, now,
                new DemoRelease("ingress", "ingress-nginx", "nginx-ingress", "1.41.3", "v0.34.1",
                        "controller:\n  replicaCount: 2\n  service:\n    type: LoadBalancer\n", Status.Code.DEPLOYED, 3),
                new DemoRelease("monitoring", "monitoring", "prometheus", "11.12.1", "2.20.1",
                        "server:\n  retention: 15d\nalertmanager:\n  config:\n    slack_api_url: https://hooks.slack.example/T000/B000/XXXX\n",
                        Status.Code.DEPLOYED, 2),
                new DemoRelease("sessions", "default", "redis", "10.5.7", "5.0.7",
                        "usePassword: true\npassword: \"r3dis-Pr0d-2019!\"\ncluster:\n  enabled: true\n",
                        Status.Code.DEPLOYED, 1),
                new DemoRelease("cert-manager", "cert-manager", "cert-manager", "v0.15.2", "v0.15.2",
                        "installCRDs: true\n", Status.Code.FAILED, 2),
                new DemoRelease("legacy-portal", "default", "portal", "0.3.0", "1.0.4",
                        "db:\n  user: portal\n  password: \"portal123\"\n", Status.Code.DELETED, 1));

        // Hardened the way Helm's security guide asks: own account and Roles, TLS with client
        // verification, Secret storage, localhost listen, no Service, ingress denied.
        var paymentsCa = CertificateAuthority.create("payments-tiller CA", now.minus(Duration.ofDays(200)),
                now.plus(Duration.ofDays(3450)));
        var payments = new HelmInit("payments-tiller").serviceAccount("tiller").serviceType(null).historyMax(10)
                .tlsVerify(tillerCertificate(paymentsCa, "payments-tiller", now, Duration.ofDays(200),
                        Duration.ofDays(165)), paymentsCa.certificatePem())
                .args("--storage=secret", "--listen=127.0.0.1:44134");
        objects.serviceAccount("payments-tiller", "tiller");
        objects.tiller(payments, "7f9b8d6c5-m8v2p");
        objects.scopedTiller("payments-tiller", "tiller", ReleaseStorage.SECRET, "payments-prod", "payments-staging");
        objects.denyIngress("payments-tiller");
        objects.helmUsers("payments-tiller", "team-payments");
        objects.releases("payments-tiller", ReleaseStorage.SECRET, now,
                new DemoRelease("payments-api", "payments-prod", "payments-api", "2.4.0", "2.4.0",
                        "image:\n  tag: 2.4.0\nstripe:\n  apiKey: \"sk_live_demo_51HxQ\"\n", Status.Code.DEPLOYED, 4),
                new DemoRelease("payments-db", "payments-prod", "postgresql", "8.6.4", "11.7.0",
                        "postgresqlPassword: \"pg-Payments-42\"\npersistence:\n  size: 50Gi\n", Status.Code.DEPLOYED, 1),
                new DemoRelease("payments-api-canary", "payments-staging", "payments-api", "2.5.0-rc.1", "2.5.0-rc.1",
                        "image:\n  tag: 2.5.0-rc.1\n", Status.Code.DEPLOYED, 2));

        // `helm init --tiller-tls`: TLS on, client verification off (TILLER_TLS_VERIFY is set but empty);
        // the namespace's default account admin of the team namespace; the certificate expires soon.
        var searchCa = CertificateAuthority.create("search-tiller CA", now.minus(Duration.ofDays(400)),
                now.plus(Duration.ofDays(3250)));
        var search = new HelmInit("search-tiller").image("gcr.io/kubernetes-helm/tiller:v2.16.9")
                .tls(tillerCertificate(searchCa, "search-tiller", now, Duration.ofDays(356), Duration.ofDays(9)));
        objects.tiller(search, "6c4d9f8b7-q7w5t");
        objects.roleBinding("search", "tiller-admin", "ClusterRole", "admin", "search-tiller", "default");
        objects.roleBinding("search-tiller", "tiller-storage", "ClusterRole", "edit", "search-tiller", "default");
        objects.releases("search-tiller", ReleaseStorage.CONFIGMAP, now,
                new DemoRelease("search", "search", "elasticsearch", "7.9.1", "7.9.1",
                        "esJavaOpts: \"-Xmx2g -Xms2g\"\nsecret:\n  password: \"elastic-Search-7\"\n", Status.Code.DEPLOYED, 3),
                new DemoRelease("search-ui", "search", "kibana", "7.9.1", "7.9.1", "ingress:\n  enabled: true\n",
                        Status.Code.DEPLOYED, 1));
        return new ClusterSeed(PRODUCTION, "Production EU", objects.list);
    }

    private static ClusterSeed staging(Instant now) {
        var objects = new Objects();
        objects.namespaces("ci-tiller", "ci", "data-tiller", "analytics");

        // Exposed: a NodePort Service in front of a plaintext Tiller on all interfaces, image mirrored.
        var ci = new HelmInit("ci-tiller").image("registry.internal.example/mirror/tiller:v2.14.3")
                .serviceAccount("tiller").serviceType("NodePort");
        objects.serviceAccount("ci-tiller", "tiller");
        objects.tiller(ci, "84c7d5b6f9-z9r3n");
        objects.clusterAdmin("ci-tiller", "ci-tiller", "tiller");
        objects.releases("ci-tiller", ReleaseStorage.CONFIGMAP, now,
                new DemoRelease("runners", "ci", "gitlab-runner", "0.19.2", "13.2.2",
                        "runnerRegistrationToken: \"GR1348941_demoToken\"\nconcurrent: 10\n", Status.Code.DEPLOYED, 5),
                new DemoRelease("artifacts", "ci", "nexus", "2.1.0", "3.25.1", "persistence:\n  enabled: true\n",
                        Status.Code.DEPLOYED, 1));

        // Storage switched to Secrets through `command` (a blind spot of tools that read only `args`),
        // with records the switch left behind in ConfigMaps, a Go-style `-listen` flag, and an expired
        // certificate.
        var dataCa = CertificateAuthority.create("data-tiller CA", now.minus(Duration.ofDays(800)),
                now.plus(Duration.ofDays(2850)));
        var data = new HelmInit("data-tiller").image("gcr.io/kubernetes-helm/tiller:v2.12.3")
                .serviceAccount("tiller")
                .tlsVerify(tillerCertificate(dataCa, "data-tiller", now, Duration.ofDays(400), Duration.ofDays(-35)),
                        dataCa.certificatePem())
                .command("/tiller", "--storage=secret", "-listen=0.0.0.0:44134");
        objects.serviceAccount("data-tiller", "tiller");
        objects.tiller(data, "5b6c7d8e9f-k3j2h");
        objects.scopedTiller("data-tiller", "tiller", ReleaseStorage.SECRET, "analytics");
        objects.releases("data-tiller", ReleaseStorage.SECRET, now,
                new DemoRelease("warehouse", "analytics", "clickhouse", "1.4.0", "20.8",
                        "users:\n  admin:\n    password: \"ch-Admin-2020\"\n", Status.Code.DEPLOYED, 2));
        objects.releases("data-tiller", ReleaseStorage.CONFIGMAP, now,
                new DemoRelease("etl", "analytics", "airflow", "7.2.0", "1.10.10",
                        "fernetKey: \"ZmVybmV0LWtleS1kZW1vLW9ubHktMzItYnl0ZXM=\"\n", Status.Code.DEPLOYED, 2));
        return new ClusterSeed(STAGING, "Staging", objects.list);
    }

    private static IssuedCertificate tillerCertificate(CertificateAuthority ca, String namespace,
            Instant now, Duration age, Duration remaining) {
        return ca.issueServer("tiller-server", List.of("127.0.0.1", "localhost", "tiller-deploy",
                "tiller-deploy." + namespace, "tiller-deploy." + namespace + ".svc"),
                now.minus(age), now.plus(remaining));
    }

    /** Accumulates one cluster's objects with the helpers the fleet repeats. */
    private static final class Objects {
        private final List<HasMetadata> list = new ArrayList<>();

        /** Namespaces with the {@code default} ServiceAccount a cluster gives every namespace. */
        void namespaces(String... names) {
            for (String name : names) {
                list.add(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build());
                serviceAccount(name, "default");
            }
        }

        /** The Tiller's objects plus the Pod its ReplicaSet would run (no controllers run in the demo). */
        void tiller(HelmInit init, String podSuffix) {
            list.addAll(init.objects());
            Map<String, String> podLabels = new HashMap<>(HelmInit.LABELS);
            podLabels.put("pod-template-hash", podSuffix.substring(0, podSuffix.indexOf('-')));
            String replicaSet = HelmInit.DEPLOYMENT_NAME + "-" + podSuffix.substring(0, podSuffix.indexOf('-'));
            // Owned as its ReplicaSet would own it, so it is the Deployment's Tiller and not a bare one.
            list.add(new PodBuilder()
                    .withNewMetadata().withName(HelmInit.DEPLOYMENT_NAME + "-" + podSuffix)
                    .withNamespace(init.namespace()).withLabels(podLabels)
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(replicaSet)
                    .withUid(java.util.UUID.nameUUIDFromBytes((init.namespace() + "/" + replicaSet)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString())
                    .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
                    .endMetadata()
                    .withSpec(init.podSpec())
                    .build());
        }

        /**
         * A ServiceAccount with the token Secret a 1.2x cluster's token controller gives it (and that
         * anyone who may read Secrets there can use to act with the account's rights).
         */
        void serviceAccount(String namespace, String name) {
            String token = name + "-token-" + Integer.toString(Math.abs((namespace + "/" + name).hashCode()) % 60466176, 36);
            list.add(new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                    .endMetadata().addNewSecret().withName(token).endSecret().build());
            list.add(new SecretBuilder().withNewMetadata().withName(token).withNamespace(namespace)
                    .withAnnotations(Map.of("kubernetes.io/service-account.name", name)).endMetadata()
                    .withType("kubernetes.io/service-account-token").build());
        }

        void clusterAdmin(String bindingName, String namespace, String serviceAccount) {
            list.add(new ClusterRoleBindingBuilder()
                    .withNewMetadata().withName(bindingName).endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                    .addNewSubject().withKind("ServiceAccount").withName(serviceAccount).withNamespace(namespace)
                    .endSubject()
                    .build());
        }

        void roleBinding(String namespace, String name, String roleKind, String role, String saNamespace,
                String serviceAccount) {
            list.add(new RoleBindingBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", roleKind, role)
                    .addNewSubject().withKind("ServiceAccount").withName(serviceAccount).withNamespace(saNamespace)
                    .endSubject()
                    .build());
        }

        /** Least privilege: workloads in each target namespace, its storage kind in its own namespace. */
        void scopedTiller(String tillerNamespace, String serviceAccount, ReleaseStorage storage,
                String... targetNamespaces) {
            for (String target : targetNamespaces) {
                list.add(new RoleBuilder()
                        .withNewMetadata().withName("tiller-manager").withNamespace(target).endMetadata()
                        .addToRules(new PolicyRuleBuilder()
                                .withApiGroups("", "apps", "batch", "extensions", "networking.k8s.io", "policy",
                                        "autoscaling")
                                .withResources("*").withVerbs("*").build())
                        .build());
                roleBinding(target, "tiller-manager", "Role", "tiller-manager", tillerNamespace, serviceAccount);
            }
            list.add(new RoleBuilder()
                    .withNewMetadata().withName("tiller-storage").withNamespace(tillerNamespace).endMetadata()
                    .addToRules(new PolicyRuleBuilder().withApiGroups("")
                            .withResources(storage == ReleaseStorage.SECRET ? "secrets" : "configmaps")
                            .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").build())
                    .build());
            roleBinding(tillerNamespace, "tiller-storage", "Role", "tiller-storage", tillerNamespace, serviceAccount);
        }

        void denyIngress(String namespace) {
            list.add(new NetworkPolicyBuilder()
                    .withNewMetadata().withName("tiller-deny-ingress").withNamespace(namespace).endMetadata()
                    .withNewSpec().withNewPodSelector().withMatchLabels(HelmInit.LABELS).endPodSelector()
                    .withPolicyTypes("Ingress").endSpec()
                    .build());
        }

        /** What the helm CLI needs to reach a Tiller: list pods and port-forward, nothing more. */
        void helmUsers(String tillerNamespace, String group) {
            list.add(new RoleBuilder()
                    .withNewMetadata().withName("helm-user").withNamespace(tillerNamespace).endMetadata()
                    .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("pods").withVerbs("list").build())
                    .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("pods/portforward")
                            .withVerbs("create").build())
                    .build());
            list.add(new RoleBindingBuilder()
                    .withNewMetadata().withName("helm-user").withNamespace(tillerNamespace).endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "Role", "helm-user")
                    .addNewSubject().withKind("Group").withName(group).withApiGroup("rbac.authorization.k8s.io")
                    .endSubject()
                    .build());
        }

        void releases(String tillerNamespace, ReleaseStorage storage, Instant now, DemoRelease... histories) {
            for (DemoRelease history : histories) {
                for (int revision = 1; revision <= history.revisions(); revision++) {
                    var release = history.revision(revision, now);
                    Instant created = Instant.ofEpochSecond(release.getInfo().getLastDeployed().getSeconds());
                    list.add(ReleaseRecords.create(release, storage, tillerNamespace, created));
                }
            }
        }
    }
}
