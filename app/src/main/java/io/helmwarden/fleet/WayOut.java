package io.helmwarden.fleet;

import io.helmwarden.tenancy.Teams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The fleet's way off Helm 2, in four figures per cluster or team: Tillers left, Helm 2 releases they still list,
 * releases Helm Warden converted, and Helm 3 releases present (converted or installed with Helm 3).
 *
 * @param label a cluster's display name or a team's id ("unowned" for what no team owns)
 */
public record WayOut(String label, int tillers, int helm2Releases, int converted, int helm3Releases) {

    /**
     * Per cluster the viewer sees, from what the view shows them.
     *
     * @param helm3 every Helm 3 release of a cluster (the view, cut to Tillers, holds none), cut here by namespace
     */
    public static List<WayOut> perCluster(FleetView view, Function<String, List<ClusterInventory.Helm3Release>> helm3,
            List<ConvertedReleases.Converted> converted, Predicate<ConvertedReleases.Converted> visible,
            NamespaceFilter namespaces) {
        List<WayOut> rows = new ArrayList<>();
        for (var cluster : view.clusters()) {
            var inventory = view.inventory(cluster.id());
            List<ClusterInventory.TillerState> tillers = inventory.map(ClusterInventory::tillers).orElse(List.of());
            long helm3Releases = helm3.apply(cluster.id()).stream().filter(r -> namespaces.maySee(cluster.id(), r.namespace()))
                    .map(r -> r.namespace() + "/" + r.name()).distinct().count();
            long ours = converted.stream().filter(visible).filter(c -> c.cluster().equals(cluster.id())).count();
            rows.add(new WayOut(cluster.displayName(), tillers.size(), helm2Releases(tillers), (int) ours, (int) helm3Releases));
        }
        return rows;
    }

    /** Per team (and "unowned"), over the clusters the viewer sees. */
    public static List<WayOut> perTeam(FleetView view, Function<String, List<ClusterInventory.Helm3Release>> helm3Of,
            List<ConvertedReleases.Converted> converted, Predicate<ConvertedReleases.Converted> visible,
            NamespaceFilter namespaces, Teams teams) {
        Function<java.util.Optional<String>, String> label = team -> team.orElse("unowned");
        Map<String, List<ClusterInventory.TillerState>> tillers = view.tillers().stream()
                .collect(Collectors.groupingBy(t -> label.apply(t.tiller().team()), TreeMap::new, Collectors.toList()));
        Map<String, Set<String>> helm3 = new TreeMap<>();
        for (var cluster : view.clusters()) {
            helm3Of.apply(cluster.id()).stream().filter(r -> namespaces.maySee(cluster.id(), r.namespace()))
                    .forEach(r -> helm3.computeIfAbsent(label.apply(teams.owner(cluster.id(), r.namespace())
                            .map(io.helmwarden.tenancy.Team::id)), k -> new java.util.HashSet<>())
                            .add(cluster.id() + "/" + r.namespace() + "/" + r.name()));
        }
        Map<String, Long> ours = converted.stream().filter(visible)
                .collect(Collectors.groupingBy(c -> label.apply(java.util.Optional.ofNullable(c.team())), Collectors.counting()));
        Set<String> labels = new java.util.TreeSet<>(tillers.keySet());
        labels.addAll(helm3.keySet());
        labels.addAll(ours.keySet());
        return labels.stream().map(team -> new WayOut(team, tillers.getOrDefault(team, List.of()).size(),
                helm2Releases(tillers.getOrDefault(team, List.of())), ours.getOrDefault(team, 0L).intValue(),
                helm3.getOrDefault(team, Set.of()).size())).toList();
    }

    /** The rows added up, under a label. */
    public static WayOut total(String label, List<WayOut> rows) {
        return new WayOut(label, rows.stream().mapToInt(WayOut::tillers).sum(),
                rows.stream().mapToInt(WayOut::helm2Releases).sum(), rows.stream().mapToInt(WayOut::converted).sum(),
                rows.stream().mapToInt(WayOut::helm3Releases).sum());
    }

    /** The releases the Tillers list, each Tiller's own (a DELETED but unpurged release is still Helm 2's). */
    static int helm2Releases(List<ClusterInventory.TillerState> tillers) {
        return tillers.stream().mapToInt(ClusterInventory.TillerState::releases).sum();
    }

    /** Which namespaces' Helm 3 releases the viewer may count. */
    @FunctionalInterface
    public interface NamespaceFilter {
        boolean maySee(String clusterId, String namespace);
    }
}
