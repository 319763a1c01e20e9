package io.helmwarden.cluster;

import java.time.Instant;
import java.util.Optional;

/**
 * What Helm Warden last learned about reaching a cluster. {@code lastReachableAt} survives restarts, so
 * people can tell for how long a cluster has been out of reach.
 */
public record ClusterStatus(String clusterId, Reachability reachability, String serverVersion,
        Instant lastCheckedAt, Instant lastReachableAt, String error) {

    public enum Reachability {
        /** Not probed yet since start. */
        UNKNOWN,
        REACHABLE,
        UNREACHABLE
    }

    static ClusterStatus unknown(String clusterId, Optional<ClusterStatus> previous) {
        return new ClusterStatus(clusterId, Reachability.UNKNOWN,
                previous.map(ClusterStatus::serverVersion).orElse(null), null,
                previous.map(ClusterStatus::lastReachableAt).orElse(null), null);
    }

    ClusterStatus reachable(String version, Instant at) {
        return new ClusterStatus(clusterId, Reachability.REACHABLE, version, at, at, null);
    }

    ClusterStatus unreachable(String reason, Instant at) {
        return new ClusterStatus(clusterId, Reachability.UNREACHABLE, serverVersion, at, lastReachableAt, reason);
    }
}
