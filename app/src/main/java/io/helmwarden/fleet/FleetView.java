package io.helmwarden.fleet;

import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.tenancy.Visibility;
import java.util.List;
import java.util.Optional;

/**
 * The fleet as one viewer may see it ({@link FleetState#visibleTo}): every list a page, fragment, export or API
 * answer shows comes from here, cut by {@link Visibility}, so no caller filters by hand. A cluster the viewer
 * sees shows only the Tillers they may see, with a score over those alone.
 */
public final class FleetView {

    private final FleetState fleet;
    private final ClusterRegistry registry;
    private final Visibility visibility;
    private final Viewer viewer;

    FleetView(FleetState fleet, ClusterRegistry registry, Visibility visibility, Viewer viewer) {
        this.fleet = fleet;
        this.registry = registry;
        this.visibility = visibility;
        this.viewer = viewer;
    }

    /** The configured clusters the viewer may see, in registry order (also those not computed yet). */
    public List<Cluster> clusters() {
        return registry.all().stream().filter(cluster -> visibility.maySeeCluster(viewer, cluster.id())).toList();
    }

    /** A visible cluster's inventory, cut to the Tillers the viewer may see. */
    public Optional<ClusterInventory> inventory(String clusterId) {
        if (!visibility.maySeeCluster(viewer, clusterId)) {
            return Optional.empty();
        }
        return fleet.cluster(clusterId).map(inventory -> visibility.seesEverything(viewer) ? inventory
                : inventory.restrictedTo(this::maySee));
    }

    /** Every visible cluster's inventory (computed ones), in registry order. */
    public List<ClusterInventory> inventories() {
        return clusters().stream().flatMap(cluster -> inventory(cluster.id()).stream()).toList();
    }

    /** Every Tiller the viewer may see, cluster by cluster. */
    public List<ClusterInventory.TillerState> tillers() {
        return inventories().stream().flatMap(inventory -> inventory.tillers().stream()).toList();
    }

    /** A Tiller by id, if the viewer may see it (empty for one that does not exist, too). */
    public Optional<ClusterInventory.TillerState> tiller(String id) {
        return fleet.tiller(id).filter(this::maySee);
    }

    public boolean maySee(ClusterInventory.TillerState state) {
        return visibility.maySeeOwnedBy(viewer, state.tiller().team());
    }
}
