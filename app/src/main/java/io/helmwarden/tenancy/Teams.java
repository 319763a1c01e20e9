package io.helmwarden.tenancy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The teams and the namespaces they own. The configuration ({@code helmwarden.teams}) is the baseline; platform
 * admins may add namespaces no configured team owns ({@link NamespaceAssignments}, kept in the database), so
 * every answer here is the two together. A namespace belongs to at most one team.
 */
@ConfigurationProperties("helmwarden")
public final class Teams {

    /**
     * A namespace given to a team from the UI, by whom and when.
     */
    public record Assignment(String cluster, String namespace, String team, String assignedBy, Instant assignedAt) {
    }

    private final List<Team> configured;
    private final AtomicLong generation = new AtomicLong();
    private volatile List<Team> effective;
    private volatile Map<String, Assignment> assignments = Map.of();

    public Teams(@DefaultValue List<Team> teams) {
        Map<String, String> owners = new HashMap<>();
        for (Team team : teams) {
            team.namespaces().forEach((cluster, namespaces) -> namespaces.forEach(namespace -> {
                String previous = owners.put(cluster + "/" + namespace, team.id());
                if (previous != null && !previous.equals(team.id())) {
                    throw new IllegalStateException("helmwarden.teams: namespace " + namespace + " on cluster " + cluster
                            + " is claimed by both " + previous + " and " + team.id());
                }
            }));
        }
        this.configured = List.copyOf(teams);
        this.effective = configured;
    }

    /** Every team, with the namespaces it owns by configuration and by assignment. */
    public List<Team> teams() {
        return effective;
    }

    public Optional<Team> owner(String cluster, String namespace) {
        return effective.stream().filter(team -> team.owns(cluster, namespace)).findFirst();
    }

    public Optional<Team> find(String id) {
        return effective.stream().filter(team -> team.id().equals(id)).findFirst();
    }

    /** Whether the configuration gives this namespace to a team (the UI can neither change nor take that). */
    public boolean configuredOwner(String cluster, String namespace) {
        return configured.stream().anyMatch(team -> team.owns(cluster, namespace));
    }

    /** How a namespace came to its team when it was assigned from the UI; empty for configuration or no owner. */
    public Optional<Assignment> assignment(String cluster, String namespace) {
        return Optional.ofNullable(assignments.get(cluster + "/" + namespace));
    }

    public List<Assignment> assignments(String cluster) {
        return assignments.values().stream().filter(a -> a.cluster().equals(cluster))
                .sorted(java.util.Comparator.comparing(Assignment::namespace)).toList();
    }

    /**
     * Replaces the assignments (as the database holds them now). One that names an unknown team or a namespace
     * the configuration gives away is ignored: the configuration always wins.
     */
    public synchronized void assign(Collection<Assignment> stored) {
        Map<String, Assignment> valid = new LinkedHashMap<>();
        for (Assignment assignment : stored) {
            if (!configuredOwner(assignment.cluster(), assignment.namespace())
                    && configured.stream().anyMatch(team -> team.id().equals(assignment.team()))) {
                valid.put(assignment.cluster() + "/" + assignment.namespace(), assignment);
            }
        }
        if (valid.equals(assignments)) {
            return;
        }
        List<Team> merged = new ArrayList<>();
        for (Team team : configured) {
            Map<String, List<String>> namespaces = new LinkedHashMap<>();
            team.namespaces().forEach((cluster, list) -> namespaces.put(cluster, new ArrayList<>(list)));
            valid.values().stream().filter(a -> a.team().equals(team.id())).forEach(a ->
                    namespaces.computeIfAbsent(a.cluster(), c -> new ArrayList<>()).add(a.namespace()));
            Map<String, List<String>> frozen = new LinkedHashMap<>();
            namespaces.forEach((cluster, list) -> frozen.put(cluster, List.copyOf(list)));
            merged.add(new Team(team.id(), team.displayName(), team.memberGroups(), team.leadGroups(), Map.copyOf(frozen)));
        }
        this.assignments = Map.copyOf(valid);
        this.effective = List.copyOf(merged);
        generation.incrementAndGet();
    }

    /** Changes with every change of ownership, so what was judged by the old ownership is judged again. */
    public long generation() {
        return generation.get();
    }
}
