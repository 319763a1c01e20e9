package io.helmwarden.fleet;

import io.fabric8.kubernetes.api.model.Secret;
import io.helmwarden.check.CheckEngine;
import io.helmwarden.check.Finding;
import io.helmwarden.check.Posture;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.cluster.ClusterSnapshot;
import io.helmwarden.cluster.ClusterWatch;
import io.helmwarden.cluster.ClusterWatches;
import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.ReleaseSummary;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.inventory.TillerDiscovery;
import io.helmwarden.rbac.RbacPolicy;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.tenancy.Visibility;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The judged fleet, kept current: when a cluster's watches report a change, its inventory is recomputed
 * from the informers' caches (pure code), and the newest release revisions are decoded in the background
 * (summaries only; payloads are not kept). Pages read from here and never call a cluster.
 */
@Service
public class FleetState {

    private static final Logger log = LoggerFactory.getLogger(FleetState.class);
    /** Release payloads fetched per refresh at most, so a huge fleet cannot stall the refresh loop. */
    private static final int DECODES_PER_REFRESH = 100;

    private final ClusterRegistry registry;
    private final ClusterWatches watches;
    private final CheckEngine checks;
    private final ReleaseSummaries summaries;
    private final Teams teams;
    private final PostureHistory history;
    private final Visibility visibility;
    private final Map<String, ClusterInventory> inventories = new ConcurrentHashMap<>();
    private final Map<String, Long> computedGeneration = new ConcurrentHashMap<>();
    private volatile boolean decodesPending;

    FleetState(ClusterRegistry registry, ClusterWatches watches, CheckEngine checks, ReleaseSummaries summaries,
            Teams teams, PostureHistory history, Visibility visibility) {
        this.visibility = visibility;
        this.registry = registry;
        this.watches = watches;
        this.checks = checks;
        this.summaries = summaries;
        this.teams = teams;
        this.history = history;
    }

    /** The fleet as this viewer may see it: what every page and export shows them. */
    public FleetView visibleTo(Viewer viewer) {
        return new FleetView(this, registry, visibility, viewer);
    }

    /** Every cluster's inventory, in registry order (a cluster not computed yet is absent); unfiltered. */
    public List<ClusterInventory> clusters() {
        return registry.all().stream().map(cluster -> inventories.get(cluster.id())).filter(Objects::nonNull).toList();
    }

    public Optional<ClusterInventory> cluster(String id) {
        return Optional.ofNullable(inventories.get(id));
    }

    public Optional<ClusterInventory.TillerState> tiller(String id) {
        return inventories.values().stream().flatMap(inventory -> inventory.tillers().stream())
                .filter(state -> state.tiller().id().equals(id)).findFirst();
    }

    @Scheduled(initialDelay = 0, fixedDelayString = "${helmwarden.inventory-refresh:1s}")
    public void refresh() {
        boolean recomputed = false;
        for (Cluster cluster : registry.all()) {
            ClusterWatch watch = watches.of(cluster.id());
            // A change of ownership re-judges every cluster: a Tiller's team comes from its namespace's owner.
            long generation = watch.generation() + summaries.generation() + teams.generation();
            if (!Objects.equals(computedGeneration.get(cluster.id()), generation)) {
                computedGeneration.put(cluster.id(), generation);
                recomputed = true;
                try {
                    inventories.put(cluster.id(), compute(cluster, watch.snapshot()));
                } catch (RuntimeException e) {
                    log.error("cluster {}: cannot compute the inventory", cluster.id(), e);
                }
            }
        }
        recordPosture();
        // Walking every record is only worth it when an inventory changed or decoding stopped at its budget.
        if (recomputed || decodesPending) {
            decodesPending = decodeNewestRevisions();
        }
    }

    /** Cheap when nothing changed and the sampling interval has not passed: it compares in memory. */
    private void recordPosture() {
        for (ClusterInventory inventory : inventories.values()) {
            if (inventory.synced()) {
                try {
                    history.record(inventory);
                } catch (RuntimeException e) {
                    log.warn("cluster {}: cannot record its posture: {}", inventory.clusterId(), e.getMessage());
                }
            }
        }
    }

    private ClusterInventory compute(Cluster cluster, ClusterSnapshot snapshot) {
        var rbac = new RbacPolicy(snapshot.clusterRoles(), snapshot.roles(), snapshot.clusterRoleBindings(),
                snapshot.roleBindings());
        List<Tiller> tillers = TillerDiscovery.discover(snapshot, rbac, teams, summaries::find);
        List<ClusterInventory.TillerState> states = new ArrayList<>();
        for (Tiller tiller : tillers) {
            List<Finding> findings = new ArrayList<>(checks.evaluate(tiller, snapshot.takenAt()));
            findings.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::checkId));
            states.add(new ClusterInventory.TillerState(tiller, List.copyOf(findings), Posture.ofTiller(findings)));
        }
        return new ClusterInventory(cluster.id(), cluster.displayName(), snapshot.synced(), snapshot.takenAt(),
                snapshot.errors(), List.copyOf(states), helm3Releases(snapshot.secrets()),
                Posture.mean(states.stream().map(ClusterInventory.TillerState::score).toList()));
    }

    private static List<ClusterInventory.Helm3Release> helm3Releases(List<Secret> secrets) {
        return secrets.stream()
                .filter(secret -> "helm.sh/release.v1".equals(secret.getType()) && secret.getMetadata().getLabels() != null
                        && "helm".equals(secret.getMetadata().getLabels().get("owner")))
                .map(secret -> {
                    var labels = secret.getMetadata().getLabels();
                    int revision;
                    try {
                        revision = Integer.parseInt(labels.getOrDefault("version", "0"));
                    } catch (NumberFormatException e) {
                        revision = 0;
                    }
                    return new ClusterInventory.Helm3Release(secret.getMetadata().getNamespace(),
                            labels.getOrDefault("name", secret.getMetadata().getName()), revision,
                            labels.getOrDefault("status", "unknown"));
                })
                .sorted(Comparator.comparing(ClusterInventory.Helm3Release::namespace)
                        .thenComparing(ClusterInventory.Helm3Release::name)
                        .thenComparing(ClusterInventory.Helm3Release::revision, Comparator.reverseOrder()))
                .toList();
    }

    /**
     * Decodes the newest revision of each release not decoded yet; forgets records that are gone.
     *
     * @return whether some were left for the next refresh (the budget ran out)
     */
    private boolean decodeNewestRevisions() {
        Set<String> live = new HashSet<>();
        int budget = DECODES_PER_REFRESH;
        for (ClusterInventory inventory : inventories.values()) {
            for (ClusterInventory.TillerState state : inventory.tillers()) {
                Set<String> releases = new HashSet<>();
                for (ReleaseRecord record : state.tiller().records()) {
                    String key = record.uid() + "@" + record.resourceVersion();
                    live.add(key);
                    if (releases.add(record.release()) && record.summary().isEmpty() && budget > 0
                            && !summaries.known(key)) {
                        budget--;
                        summaries.decode(inventory.clusterId(), state.tiller().storage().namespace(), record);
                    }
                }
            }
        }
        summaries.retainOnly(live);
        return budget == 0;
    }

    /** For tests and the export: a summary of one release revision, decoding it on demand. */
    public ReleaseSummary summary(String clusterId, String namespace, ReleaseRecord record) {
        return summaries.decode(clusterId, namespace, record);
    }
}
