package io.helmwarden.tenancy;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The one rule for who may see what, used by every page, fragment, export and API answer (a security product
 * cannot afford one missed filter): platform admins and auditors see everything; a team's people see what
 * their teams own, and the clusters where their teams own a namespace; what no team owns is for admins and
 * auditors only.
 */
@Component
public class Visibility {

    private final Teams teams;

    public Visibility(Teams teams) {
        this.teams = teams;
    }

    public boolean seesEverything(Viewer viewer) {
        return viewer.seesEverything();
    }

    /** Something owned by this team, or by no team (empty). */
    public boolean maySeeOwnedBy(Viewer viewer, Optional<String> team) {
        return viewer.seesEverything() || team.isPresent() && viewer.teams().contains(team.get());
    }

    public boolean maySeeTeam(Viewer viewer, String team) {
        return maySeeOwnedBy(viewer, Optional.of(team));
    }

    /** What lives in a namespace (a Helm 3 release, say): visible to the team owning the namespace. */
    public boolean maySeeNamespace(Viewer viewer, String clusterId, String namespace) {
        return maySeeOwnedBy(viewer, teams.owner(clusterId, namespace).map(Team::id));
    }

    /**
     * The teams whose audit entries the viewer reviews: every team for admins and auditors (empty), the teams
     * they lead otherwise (members do not review the audit log).
     */
    public Optional<Set<String>> auditedTeams(Viewer viewer) {
        return viewer.seesEverything() ? Optional.empty() : Optional.of(viewer.leads());
    }

    /** An audit entry, by the teams it concerns (its own and those it also concerns). */
    public boolean maySeeAuditOf(Viewer viewer, Collection<String> concernedTeams) {
        return viewer.seesEverything() || concernedTeams.stream().anyMatch(viewer.leads()::contains);
    }

    /** A cluster: where one of the viewer's teams owns a namespace. */
    public boolean maySeeCluster(Viewer viewer, String clusterId) {
        return viewer.seesEverything() || viewer.teams().stream().anyMatch(team -> teams.find(team)
                .map(t -> t.namespaces().containsKey(clusterId)).orElse(false));
    }
}
