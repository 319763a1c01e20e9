package io.helmwarden.web;

import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Viewer;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * The one rule for objects asked for by id: what the viewer may not see answers 404, exactly like what does
 * not exist, so ids cannot be probed. Both paths do the same work, one {@code object-denied} audit entry,
 * so neither the response nor its timing tells another team's object from a missing one.
 */
@Component
class ObjectAccess {

    private final AuditLog audit;
    private final FleetState fleet;
    private final ClusterRegistry clusters;
    private final Teams teams;

    ObjectAccess(AuditLog audit, FleetState fleet, ClusterRegistry clusters, Teams teams) {
        this.audit = audit;
        this.fleet = fleet;
        this.clusters = clusters;
        this.teams = teams;
    }

    /** A cluster, if the viewer sees everything or one of their teams owns a namespace in it. */
    Cluster cluster(String id, Authentication authentication) {
        Viewer viewer = Viewer.of(authentication);
        return visibleOrNotFound(clusters.find(id),
                c -> viewer.seesEverything() || viewer.teams().stream().anyMatch(team -> teams.find(team)
                        .map(t -> t.namespaces().containsKey(c.id())).orElse(false)),
                authentication, event -> event.target(null, id, null, "Cluster " + id),
                c -> event -> event.target(null, id, null, "Cluster " + id));
    }

    /** A team, if the viewer sees everything or belongs to it. */
    Team team(String id, Authentication authentication) {
        Viewer viewer = Viewer.of(authentication);
        return visibleOrNotFound(teams.find(id), t -> viewer.seesEverything() || viewer.teams().contains(t.id()),
                authentication, event -> event.target(null, null, null, "Team " + id),
                t -> event -> event.target(t.id(), null, null, "Team " + t.id()));
    }

    /** A Tiller by its id's parts, if the viewer may see it. */
    ClusterInventory.TillerState tiller(String cluster, String namespace, String name, Authentication authentication) {
        Viewer viewer = Viewer.of(authentication);
        return visibleOrNotFound(fleet.tiller(cluster + "/" + namespace + "/" + name),
                state -> viewer.maySee(state.tiller().team()), authentication,
                event -> event.target(null, cluster, namespace, "Tiller " + name),
                state -> event -> event.target(state.tiller().team().orElse(null), cluster, namespace, "Tiller " + name));
    }

    /**
     * @param asked  the refusal's audit target when nothing has that id: what was asked for, no owner
     * @param target the refusal's audit target when the object exists (its owner's team sees the entry)
     */
    <T> T visibleOrNotFound(Optional<T> found, Predicate<T> visible, Authentication authentication,
            Function<AuditEvent, AuditEvent> asked, Function<T, Function<AuditEvent, AuditEvent>> target) {
        if (found.isPresent() && visible.test(found.get())) {
            return found.get();
        }
        AuditEvent denied = AuditEvent.by(Audits.actor(authentication), "object-denied", AuditEntry.Outcome.DENIED);
        audit.append(found.map(object -> target.apply(object).apply(denied).details("not visible to them"))
                .orElseGet(() -> asked.apply(denied).details("nothing has this id")));
        throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}
