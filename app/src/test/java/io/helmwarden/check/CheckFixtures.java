package io.helmwarden.check;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Namespace;
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
import io.fabric8.kubernetes.client.utils.Serialization;
import io.helmwarden.cluster.ClusterSnapshot;
import io.helmwarden.inventory.ReleaseSummary;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.inventory.TillerDiscovery;
import io.helmwarden.rbac.RbacPolicy;
import io.helmwarden.release.ReleaseDecodingException;
import io.helmwarden.release.ReleaseRecordCodec;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a fixture file (Kubernetes objects, one YAML document each) into the Tillers Helm Warden would
 * discover in a cluster holding exactly those objects, on cluster {@code fixture} at {@link #NOW}, with
 * teams {@code payments} (namespaces team-tiller, payments) and {@code search} (search).
 */
public final class CheckFixtures {

    public static final String CLUSTER = "fixture";
    public static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");
    public static final Teams TEAMS = new Teams(List.of(
            new Team("payments", "Payments", List.of("team-payments"), List.of("team-payments-leads"),
                    Map.of(CLUSTER, List.of("team-tiller", "payments"))),
            new Team("search", "Search", List.of("team-search"), List.of(), Map.of(CLUSTER, List.of("search")))));

    private CheckFixtures() {
    }

    public static List<HasMetadata> load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Object parsed = Serialization.unmarshal(in);
            if (parsed instanceof List<?> list) {
                return list.stream().map(HasMetadata.class::cast).toList();
            }
            if (parsed instanceof KubernetesList list) {
                return list.getItems();
            }
            return List.of((HasMetadata) parsed);
        }
    }

    public static List<Tiller> tillers(List<HasMetadata> objects) {
        ClusterSnapshot snapshot = snapshot(objects);
        var rbac = new RbacPolicy(snapshot.clusterRoles(), snapshot.roles(), snapshot.clusterRoleBindings(),
                snapshot.roleBindings());
        Map<String, ReleaseSummary> summaries = new HashMap<>();
        objects.stream().filter(o -> o.getMetadata().getLabels() != null
                && "TILLER".equals(o.getMetadata().getLabels().get("OWNER"))).forEach(record ->
                summaries.put(record.getMetadata().getUid() + "@" + record.getMetadata().getResourceVersion(),
                        summarize(payload(record))));
        return TillerDiscovery.discover(snapshot, rbac, TEAMS, key -> Optional.ofNullable(summaries.get(key)));
    }

    private static String payload(HasMetadata record) {
        if (record instanceof ConfigMap configMap) {
            return configMap.getData() == null ? null : configMap.getData().get("release");
        }
        Secret secret = (Secret) record;
        return secret.getData() == null || secret.getData().get("release") == null ? null
                : new String(Base64.getDecoder().decode(secret.getData().get("release")), StandardCharsets.US_ASCII);
    }

    private static ReleaseSummary summarize(String payload) {
        try {
            var release = ReleaseRecordCodec.decode(payload);
            return new ReleaseSummary(Optional.empty(), release.getNamespace(), release.getChart().getMetadata().getName(),
                    "", "", Optional.empty(), Optional.empty(), "", false, release.getVersion());
        } catch (ReleaseDecodingException e) {
            return ReleaseSummary.unreadable(e.getMessage());
        }
    }

    static ClusterSnapshot snapshot(List<HasMetadata> objects) {
        int[] uid = {0};
        objects.forEach(o -> {
            if (o.getMetadata().getUid() == null) {
                o.getMetadata().setUid("uid-" + ++uid[0]);
                o.getMetadata().setResourceVersion("1");
            }
        });
        return new ClusterSnapshot(CLUSTER, NOW, true, Map.of(), of(objects, Namespace.class), of(objects, Deployment.class),
                of(objects, StatefulSet.class), of(objects, DaemonSet.class), of(objects, Service.class),
                of(objects, NetworkPolicy.class), of(objects, ClusterRole.class), of(objects, Role.class),
                of(objects, ClusterRoleBinding.class), of(objects, RoleBinding.class),
                of(objects, ConfigMap.class).stream().filter(cm -> cm.getMetadata().getLabels() != null
                        && "TILLER".equals(cm.getMetadata().getLabels().get("OWNER"))).toList(),
                of(objects, Secret.class),
                // As the watch keeps them: only the ones no controller owns.
                of(objects, io.fabric8.kubernetes.api.model.apps.ReplicaSet.class).stream().filter(CheckFixtures::unowned).toList(),
                of(objects, io.fabric8.kubernetes.api.model.ReplicationController.class).stream()
                        .filter(CheckFixtures::unowned).toList(),
                of(objects, io.fabric8.kubernetes.api.model.Pod.class).stream().filter(CheckFixtures::unowned).toList(),
                of(objects, io.fabric8.kubernetes.api.model.batch.v1.Job.class).stream().filter(CheckFixtures::unowned)
                        .toList());
    }

    private static boolean unowned(HasMetadata object) {
        return object.getMetadata().getOwnerReferences() == null || object.getMetadata().getOwnerReferences().stream()
                .noneMatch(owner -> Boolean.TRUE.equals(owner.getController()));
    }

    private static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
        List<T> result = new ArrayList<>();
        objects.stream().filter(type::isInstance).map(type::cast).forEach(result::add);
        return result;
    }
}
