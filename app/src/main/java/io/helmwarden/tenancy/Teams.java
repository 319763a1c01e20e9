package io.helmwarden.tenancy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The configured teams ({@code helmwarden.teams}); a namespace belongs to at most one of them. */
@ConfigurationProperties("helmwarden")
public record Teams(@DefaultValue List<Team> teams) {

    public Teams {
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
    }

    public Optional<Team> owner(String cluster, String namespace) {
        return teams.stream().filter(team -> team.owns(cluster, namespace)).findFirst();
    }

    public Optional<Team> find(String id) {
        return teams.stream().filter(team -> team.id().equals(id)).findFirst();
    }
}
