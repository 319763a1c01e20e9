package io.helmwarden.web;

import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.tenancy.Visibility;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * The one rule for objects asked for by id: what the viewer may not see ({@link Visibility}) answers 404,
 * exactly like what does not exist, so ids cannot be probed. Both paths do the same work, one
 * {@code object-denied} audit entry, so neither the response nor its timing tells another team's object from a
 * missing one.
 */
@Component
public class ObjectAccess {

    private final AuditLog audit;
    private final ClusterRegistry clusters;
    private final Teams teams;
    private final Visibility visibility;

    ObjectAccess(AuditLog audit, ClusterRegistry clusters, Teams teams, Visibility visibility) {
        this.audit = audit;
        this.clusters = clusters;
        this.teams = teams;
        this.visibility = visibility;
    }

    /** A cluster, if the viewer may see it. */
    public Cluster cluster(String id, Authentication authentication) {
        Viewer viewer = Viewer.of(authentication);
        return visibleOrNotFound(clusters.find(id), c -> visibility.maySeeCluster(viewer, c.id()),
                authentication, event -> event.target(null, id, null, "Cluster " + id),
                c -> event -> event.target(null, id, null, "Cluster " + id));
    }

    /** A team, if the viewer sees everything or belongs to it. */
    public Team team(String id, Authentication authentication) {
        Viewer viewer = Viewer.of(authentication);
        return visibleOrNotFound(teams.find(id), t -> visibility.maySeeTeam(viewer, t.id()),
                authentication, event -> event.target(null, null, null, "Team " + id),
                t -> event -> event.target(t.id(), null, null, "Team " + t.id()));
    }

    /**
     * An object owned by a team (or by none), if the viewer may see what that team owns.
     *
     * @param owner  the object's team
     * @param asked  the refusal's audit target when nothing has that id: what was asked for, no owner
     * @param target the refusal's audit target when the object exists (its owner's team sees the entry)
     */
    public <T> T ownedOrNotFound(Optional<T> found, Function<T, Optional<String>> owner, Authentication authentication,
            Function<AuditEvent, AuditEvent> asked, Function<T, Function<AuditEvent, AuditEvent>> target) {
        Viewer viewer = Viewer.of(authentication);
        return visibleOrNotFound(found, object -> visibility.maySeeOwnedBy(viewer, owner.apply(object)), authentication,
                asked, target);
    }

    /**
     * @param asked  the refusal's audit target when nothing has that id: what was asked for, no owner
     * @param target the refusal's audit target when the object exists (its owner's team sees the entry)
     */
    public <T> T visibleOrNotFound(Optional<T> found, Predicate<T> visible, Authentication authentication,
            Function<AuditEvent, AuditEvent> asked, Function<T, Function<AuditEvent, AuditEvent>> target) {
        if (found.isPresent() && visible.test(found.get())) {
            return found.get();
        }
        AuditEvent denied = AuditEvent.by(Audits.actor(authentication), AuditAction.OBJECT_DENIED, AuditEntry.Outcome.DENIED);
        audit.append(found.map(object -> target.apply(object).apply(denied).details("not visible to them"))
                .orElseGet(() -> asked.apply(denied).details("nothing has this id")));
        throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}
