package io.helmwarden.fleet;

import io.helmwarden.tenancy.Viewer;
import io.helmwarden.web.ObjectAccess;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/** A Tiller asked for by its id's parts, as every Tiller page and action gets it: visible, or 404 (audited). */
@Component
public class TillerLookup {

    private final FleetState fleet;
    private final ObjectAccess access;

    TillerLookup(FleetState fleet, ObjectAccess access) {
        this.fleet = fleet;
        this.access = access;
    }

    public ClusterInventory.TillerState find(String cluster, String namespace, String name, Authentication authentication) {
        FleetView view = fleet.visibleTo(Viewer.of(authentication));
        String id = cluster + "/" + namespace + "/" + name;
        return access.visibleOrNotFound(fleet.tiller(id), view::maySee, authentication,
                event -> event.target(null, cluster, namespace, "Tiller " + name),
                state -> event -> event.target(state.tiller().team().orElse(null), cluster, namespace, "Tiller " + name));
    }
}
