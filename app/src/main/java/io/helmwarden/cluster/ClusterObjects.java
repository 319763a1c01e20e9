package io.helmwarden.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Optional;

/**
 * The one seam through which Helm Warden changes a cluster: an adapter per Kubernetes kind
 * ({@link KubeObjects}) with the read-modify-write-with-resourceVersion, retries and conflict handling held
 * once. Remediations get one of these per step and never a client; whose identity it writes with is decided
 * here: Helm Warden's own ({@link #of}) or the signed-in person's ({@link #actingAs}, see {@link ActAs}).
 */
public final class ClusterObjects implements AutoCloseable {

    private final java.util.Map<String, Boolean> served = new java.util.concurrent.ConcurrentHashMap<>();

    private final String clusterId;
    private final KubernetesClient client;
    private final Optional<ClusterIdentity> person;

    private ClusterObjects(String clusterId, KubernetesClient client, Optional<ClusterIdentity> person) {
        this.clusterId = clusterId;
        this.client = client;
        this.person = person;
    }

    /** The seam over a client, with its own identity: {@link ClusterRegistry#objects}, and tests for their own. */
    public static ClusterObjects of(String clusterId, KubernetesClient client) {
        return new ClusterObjects(clusterId, client, Optional.empty());
    }

    /**
     * The seam over a client of its own that sends every request as the person ({@code Impersonate-User}, one
     * {@code Impersonate-Group} per group): the API server authorizes each as that person, and its audit log
     * names them as the user and the base client's identity as the impersonator.
     */
    public static ClusterObjects actingAs(String clusterId, KubernetesClient base, ClusterIdentity person) {
        Config config = new ConfigBuilder(base.getConfiguration()).withImpersonateUsername(person.user())
                .withImpersonateGroups(person.groups().toArray(String[]::new)).build();
        return new ClusterObjects(clusterId, new KubernetesClientBuilder().withConfig(config).build(), Optional.of(person));
    }

    /** Whom the API server sees, for runs and audit entries. */
    public String identity() {
        return person.map(p -> "as " + p.describe() + " (impersonated by Helm Warden)").orElse("as Helm Warden");
    }

    /** Who the API server authorizes, for messages: "user lena@example.com" or "Helm Warden's identity". */
    public String who() {
        return person.map(p -> "user " + p.user()).orElse("Helm Warden's identity");
    }

    @Override
    public void close() {
        // Only a client made for a person is this seam's own; the registry's is shared.
        if (person.isPresent()) {
            client.close();
        }
    }

    public String clusterId() {
        return clusterId;
    }

    public KubeObjects<Deployment> deployments() {
        return of(Deployment.class);
    }

    public KubeObjects<Pod> pods() {
        return of(Pod.class);
    }

    public KubeObjects<Secret> secrets() {
        return of(Secret.class);
    }

    public KubeObjects<ConfigMap> configMaps() {
        return of(ConfigMap.class);
    }

    public KubeObjects<Service> services() {
        return of(Service.class);
    }

    public KubeObjects<ServiceAccount> serviceAccounts() {
        return of(ServiceAccount.class);
    }

    public KubeObjects<Namespace> namespaces() {
        return of(Namespace.class);
    }

    public KubeObjects<NetworkPolicy> networkPolicies() {
        return of(NetworkPolicy.class);
    }

    public KubeObjects<Role> roles() {
        return of(Role.class);
    }

    public KubeObjects<RoleBinding> roleBindings() {
        return of(RoleBinding.class);
    }

    public KubeObjects<ClusterRole> clusterRoles() {
        return of(ClusterRole.class);
    }

    public KubeObjects<ClusterRoleBinding> clusterRoleBindings() {
        return of(ClusterRoleBinding.class);
    }

    /**
     * Whether the identity these writes go out with may do this, as the API server answers (SelfSubjectAccessReview,
     * sent as the person when acting as one).
     */
    public boolean mayI(String verb, String group, String resource, String namespace) {
        var review = client.authorization().v1().selfSubjectAccessReview().create(
                new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                        .withVerb(verb).withGroup(group).withResource(resource).withNamespace(namespace)
                        .endResourceAttributes().endSpec().build());
        return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
    }

    /**
     * Whether a person may do this, as the API server answers for them and their groups (SubjectAccessReview,
     * asked with this seam's identity: Helm Warden's own, which needs to create subjectaccessreviews).
     */
    public boolean mayThey(ClusterIdentity someone, String verb, String group, String resource, String namespace) {
        var review = client.authorization().v1().subjectAccessReview().create(
                new SubjectAccessReviewBuilder().withNewSpec().withUser(someone.user()).withGroups(someone.groups())
                        .withNewResourceAttributes().withVerb(verb).withGroup(group).withResource(resource)
                        .withNamespace(namespace).endResourceAttributes().endSpec().build());
        return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
    }

    /**
     * Whether the namespace exists, as far as this identity may look: empty when it may not (a person acting here
     * may hold no right on namespaces; their write then says whether it exists).
     */
    public Optional<Boolean> namespaceExists(String namespace) {
        try {
            return Optional.of(namespaces().get(null, namespace).isPresent());
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() == 403) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Whether the API server serves this kind at this API version now, as its discovery says (asked once per
     * version and kind for the life of this seam). A server whose discovery does not even list core v1 Namespaces
     * (an API mock, the demo's) cannot tell: then everything counts as served, rather than everything as removed.
     */
    public boolean serves(String apiVersion, String kind) {
        boolean discovery = served.computeIfAbsent("v1 Namespace", key -> client.supports("v1", "Namespace"));
        return !discovery || served.computeIfAbsent(apiVersion + " " + kind, key -> client.supports(apiVersion, kind));
    }

    private <T extends HasMetadata> KubeObjects<T> of(Class<T> type) {
        return new KubeObjects<>(client.resources(type), type);
    }
}
