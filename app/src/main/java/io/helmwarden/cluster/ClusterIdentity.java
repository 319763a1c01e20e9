package io.helmwarden.cluster;

import java.util.List;
import java.util.Optional;

/**
 * A person as a cluster's API server knows them — the user name and groups it would authenticate from their ID
 * token (with the same prefixes as its {@code --oidc-username-prefix} and {@code --oidc-groups-prefix}) — which
 * Helm Warden sends as {@code Impersonate-User} and {@code Impersonate-Group}.
 */
public record ClusterIdentity(String user, List<String> groups) {

    /**
     * A person is never impersonated as one of the API server's own identities: no {@code system:} user (service
     * accounts, nodes), no {@code system:} group ({@code system:masters} is cluster-admin), and no name with control
     * characters (stored one per line). Such groups are dropped; such a user is refused.
     */
    public ClusterIdentity {
        if (user == null || user.isBlank() || user.startsWith("system:") || !printable(user)) {
            throw new IllegalArgumentException("not a person's user name: " + user);
        }
        groups = groups.stream().filter(group -> !group.startsWith("system:") && printable(group) && !group.isBlank())
                .toList();
    }

    /** The identity of a person clusters know by this name; empty when they know no (acceptable) name for them. */
    public static Optional<ClusterIdentity> of(String user, List<String> groups) {
        try {
            return user == null || user.isBlank() ? Optional.empty() : Optional.of(new ClusterIdentity(user, groups));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean printable(String name) {
        return name.chars().noneMatch(Character::isISOControl);
    }

    /** "user alice@example.com, groups [payments-leads]", for runs and audit entries. */
    public String describe() {
        return "user " + user + (groups.isEmpty() ? "" : ", groups " + groups);
    }
}
