package io.helmwarden.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one cluster's objects current through watches (fabric8 informers), one per kind Helm Warden
 * reads. A kind that cannot be listed (403, unreachable) is reported with its reason and retried; the
 * other kinds keep working. {@link #generation()} moves on every change, so consumers recompute only then.
 */
public final class ClusterWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);
    /** Secrets keep only the certificates a Tiller serves and verifies with; never keys or values. */
    private static final List<String> SECRET_KEYS_KEPT = List.of("tls.crt", "ca.crt");

    private final Cluster cluster;
    private final Clock clock;
    /**
     * Informers list in pages: a fleet's release records are a gigabyte of payloads, which one list response
     * would hold in memory at once (and which no request timeout lets through).
     */
    static final long LIST_PAGE = 250;

    private final Map<String, SharedIndexInformer<? extends HasMetadata>> informers = new LinkedHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    ClusterWatch(Cluster cluster, Clock clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    void start() {
        var client = cluster.client();
        watch("Namespace", () -> client.namespaces().withLimit(LIST_PAGE).runnableInformer(0), null);
        watch("Deployment", () -> client.apps().deployments().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0), null);
        watch("StatefulSet", () -> client.apps().statefulSets().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0), null);
        watch("DaemonSet", () -> client.apps().daemonSets().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0), null);
        // Tillers outside a Deployment, StatefulSet or DaemonSet: ReplicaSets, ReplicationControllers and Pods no
        // controller owns. The watch sees them all; the cache keeps only the unowned ones, without status noise.
        watch("ReplicaSet", () -> client.apps().replicaSets().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0),
                new UnownedItemStore<ReplicaSet>());
        watch("ReplicationController", () -> client.replicationControllers().inAnyNamespace().withLimit(LIST_PAGE)
                .runnableInformer(0), new UnownedItemStore<ReplicationController>());
        watch("Pod", () -> client.pods().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0),
                new UnownedItemStore<Pod>());
        watch("Job", () -> client.batch().v1().jobs().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0),
                new UnownedItemStore<io.fabric8.kubernetes.api.model.batch.v1.Job>());
        watch("Service", () -> client.services().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0), null);
        watch("NetworkPolicy", () -> client.network().v1().networkPolicies().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0), null);
        watch("ClusterRole", () -> client.rbac().clusterRoles().withLimit(LIST_PAGE).runnableInformer(0), null);
        watch("Role", () -> client.rbac().roles().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0), null);
        watch("ClusterRoleBinding", () -> client.rbac().clusterRoleBindings().withLimit(LIST_PAGE).runnableInformer(0), null);
        watch("RoleBinding", () -> client.rbac().roleBindings().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0), null);
        watch("ConfigMap", () -> client.configMaps().inAnyNamespace().withLabel("OWNER", "TILLER").withLimit(LIST_PAGE).runnableInformer(0),
                new TrimmingItemStore<ConfigMap>(configMap -> {
                    configMap.setData(null);
                    configMap.setBinaryData(null);
                }));
        watch("Secret", () -> client.secrets().inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0),
                new TrimmingItemStore<Secret>(secret -> {
                    if (secret.getData() != null) {
                        Map<String, String> kept = new HashMap<>();
                        SECRET_KEYS_KEPT.forEach(key -> {
                            if (secret.getData().containsKey(key)) {
                                kept.put(key, secret.getData().get(key));
                            }
                        });
                        secret.setData(kept.isEmpty() ? null : kept);
                    }
                    secret.setStringData(null);
                }));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T extends HasMetadata> void watch(String kind, Supplier<SharedIndexInformer<T>> create, ItemStore<T> store) {
        SharedIndexInformer<T> informer = create.get();
        // Managed fields are often the bulk of an object and nothing here reads them.
        informer.itemStore(store != null ? store : new TrimmingItemStore<T>(object -> { }));
        informer.exceptionHandler((started, failure) -> {
            String reason = ClusterHealth.describe(failure);
            if (!reason.equals(errors.put(kind, reason))) {
                log.warn("cluster {}: cannot watch {}: {}", cluster.id(), kind, reason);
                generation.incrementAndGet();
            }
            return true;
        });
        // Of the kinds cached only when unowned, a controller's object (most pods of a cluster, churning all
        // day) changes nothing Helm Warden judges: it must not make every cluster be judged again.
        Predicate<T> relevant = store instanceof UnownedItemStore ? object -> !UnownedItemStore.controlled(object)
                : object -> true;
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T object) {
                if (relevant.test(object)) {
                    changed(kind);
                }
            }

            @Override
            public void onUpdate(T before, T after) {
                if (relevant.test(before) || relevant.test(after)) {
                    changed(kind);
                }
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                if (relevant.test(object)) {
                    changed(kind);
                }
            }
        });
        informers.put(kind, informer);
        informer.start().whenComplete((ignored, failure) -> changed(kind));
    }

    private void changed(String kind) {
        SharedIndexInformer<?> informer = informers.get(kind);
        if (informer != null && informer.isWatching()) {
            errors.remove(kind);
        }
        generation.incrementAndGet();
    }

    /** Moves on with every change to any watched object or watch state. */
    public long generation() {
        return generation.get();
    }

    /** What the informers hold now. Cheap: lists the caches, calls no API. */
    @SuppressWarnings("unchecked")
    public ClusterSnapshot snapshot() {
        boolean synced = informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
        return new ClusterSnapshot(cluster.id(), clock.instant(), synced, Map.copyOf(errors),
                list("Namespace"), list("Deployment"), list("StatefulSet"), list("DaemonSet"), list("Service"),
                list("NetworkPolicy"), list("ClusterRole"), list("Role"), list("ClusterRoleBinding"), list("RoleBinding"),
                list("ConfigMap"), list("Secret"), list("ReplicaSet"), list("ReplicationController"), list("Pod"),
                list("Job"));
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> list(String kind) {
        SharedIndexInformer<?> informer = informers.get(kind);
        return informer == null ? List.of() : (List<T>) List.copyOf(informer.getStore().list());
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::stop);
    }
}
