package io.helmwarden.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the informers of one cluster hold at one moment: the objects Helm Warden judges Tillers by.
 * Release records (ConfigMaps labelled OWNER=TILLER, Secrets) carry metadata only, and Secrets keep no
 * data but {@code tls.crt} and {@code ca.crt}: payloads and keys are never cached.
 *
 * @param errors per kind that could not be listed or watched, the reason (e.g. 403 Forbidden)
 * @param replicaSets            only those no controller owns (a Deployment's own are its Deployment)
 * @param replicationControllers only those no controller owns
 * @param pods                   only those no controller owns: bare pods, as hand-made installs run Tiller
 * @param jobs                   only those no controller owns (a CronJob's are not judged)
 */
public record ClusterSnapshot(String clusterId, Instant takenAt, boolean synced, Map<String, String> errors,
        List<Namespace> namespaces, List<Deployment> deployments, List<StatefulSet> statefulSets,
        List<DaemonSet> daemonSets, List<Service> services, List<NetworkPolicy> networkPolicies,
        List<ClusterRole> clusterRoles, List<Role> roles, List<ClusterRoleBinding> clusterRoleBindings,
        List<RoleBinding> roleBindings, List<ConfigMap> releaseConfigMaps, List<Secret> secrets,
        List<ReplicaSet> replicaSets, List<ReplicationController> replicationControllers, List<Pod> pods,
        List<Job> jobs) {

    /** Without ReplicaSets, ReplicationControllers, Pods and Jobs of their own (most fixtures have none). */
    public ClusterSnapshot(String clusterId, Instant takenAt, boolean synced, Map<String, String> errors,
            List<Namespace> namespaces, List<Deployment> deployments, List<StatefulSet> statefulSets,
            List<DaemonSet> daemonSets, List<Service> services, List<NetworkPolicy> networkPolicies,
            List<ClusterRole> clusterRoles, List<Role> roles, List<ClusterRoleBinding> clusterRoleBindings,
            List<RoleBinding> roleBindings, List<ConfigMap> releaseConfigMaps, List<Secret> secrets) {
        this(clusterId, takenAt, synced, errors, namespaces, deployments, statefulSets, daemonSets, services,
                networkPolicies, clusterRoles, roles, clusterRoleBindings, roleBindings, releaseConfigMaps, secrets,
                List.of(), List.of(), List.of(), List.of());
    }

    public static ClusterSnapshot empty(String clusterId, Instant at) {
        return new ClusterSnapshot(clusterId, at, false, Map.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }
}
