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
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The one seam through which Helm Warden changes a cluster: an adapter per Kubernetes kind
 * ({@link KubeObjects}) with the read-modify-write-with-resourceVersion, retries and conflict handling held
 * once. Remediations get one of these per run and never a client; whose identity it writes with is decided
 * here (today Helm Warden's own).
 */
public final class ClusterObjects {

    private final String clusterId;
    private final KubernetesClient client;

    private ClusterObjects(String clusterId, KubernetesClient client) {
        this.clusterId = clusterId;
        this.client = client;
    }

    /** The seam over a client: {@link ClusterRegistry#objects} for configured clusters, tests for their own. */
    public static ClusterObjects of(String clusterId, KubernetesClient client) {
        return new ClusterObjects(clusterId, client);
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

    /** Whether the identity these writes go out with may do this, as the API server answers (SelfSubjectAccessReview). */
    public boolean mayI(String verb, String group, String resource, String namespace) {
        var review = client.authorization().v1().selfSubjectAccessReview().create(
                new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                        .withVerb(verb).withGroup(group).withResource(resource).withNamespace(namespace)
                        .endResourceAttributes().endSpec().build());
        return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
    }

    private <T extends HasMetadata> KubeObjects<T> of(Class<T> type) {
        return new KubeObjects<>(client.resources(type), type);
    }
}
