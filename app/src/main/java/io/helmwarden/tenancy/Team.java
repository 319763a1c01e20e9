package io.helmwarden.tenancy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A team that owns namespaces (and the Tillers in them) on some clusters.
 *
 * @param namespaces per cluster id, the namespaces the team owns (its Tiller namespaces included)
 */
public record Team(String id, String displayName, @DefaultValue List<String> memberGroups,
        @DefaultValue List<String> leadGroups, @DefaultValue Map<String, List<String>> namespaces) {

    public boolean owns(String cluster, String namespace) {
        return namespaces.getOrDefault(cluster, List.of()).contains(namespace);
    }

    /** Every group whose people belong to the team. */
    public Set<String> groups() {
        return Set.copyOf(Stream.concat(memberGroups.stream(), leadGroups.stream()).toList());
    }
}
