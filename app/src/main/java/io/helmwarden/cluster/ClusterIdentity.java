package io.helmwarden.cluster;

import java.util.List;
import java.util.Optional;

/**
 * A person as a cluster's API server knows them — the user name and groups it would authenticate from their ID
 * token (with the same prefixes as its {@code --oidc-username-prefix} and {@code --oidc-groups-prefix}) — which
 * Helm Warden sends as {@code Impersonate-User} and {@code Impersonate-Group}.
 */
public record ClusterIdentity(String user, List<String> groups) {

    public ClusterIdentity {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a cluster identity names a user");
        }
        groups = List.copyOf(groups);
    }

    /** The identity of a person clusters know by this name; empty when they know no name for them. */
    public static Optional<ClusterIdentity> of(String user, List<String> groups) {
        return user == null || user.isBlank() ? Optional.empty() : Optional.of(new ClusterIdentity(user, groups));
    }

    /** "user alice@example.com, groups [payments-leads]", for runs and audit entries. */
    public String describe() {
        return "user " + user + (groups.isEmpty() ? "" : ", groups " + groups);
    }
}
