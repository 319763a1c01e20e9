package io.helmwarden.fleet;

import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.tenancy.Visibility;

/** For slice tests whose FleetState is a mock: the real view over it, cut by the real visibility rule. */
public final class FleetViews {

    private FleetViews() {
    }

    public static FleetView of(FleetState fleet, ClusterRegistry registry, Visibility visibility, Viewer viewer) {
        return new FleetView(fleet, registry, visibility, viewer);
    }
}
