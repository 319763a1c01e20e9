package io.helmwarden.cluster;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The last known reachability of each cluster, kept across restarts. */
@Repository
class ClusterStatusRepository {

    private final JdbcClient jdbc;

    ClusterStatusRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<ClusterStatus> find(String clusterId) {
        return jdbc.sql("""
                SELECT cluster_id, reachability, server_version, last_checked_at, last_reachable_at, last_error
                FROM cluster_status WHERE cluster_id = ?""")
                .param(clusterId)
                .query((rs, row) -> new ClusterStatus(rs.getString(1),
                        ClusterStatus.Reachability.valueOf(rs.getString(2)), rs.getString(3),
                        instant(rs.getTimestamp(4)), instant(rs.getTimestamp(5)), rs.getString(6)))
                .optional();
    }

    @Transactional
    void save(ClusterStatus status) {
        int updated = jdbc.sql("""
                UPDATE cluster_status SET reachability = ?, server_version = ?, last_checked_at = ?,
                       last_reachable_at = ?, last_error = ?
                WHERE cluster_id = ?""")
                .params(status.reachability().name(), status.serverVersion(), timestamp(status.lastCheckedAt()),
                        timestamp(status.lastReachableAt()), status.error(), status.clusterId())
                .update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO cluster_status
                        (cluster_id, reachability, server_version, last_checked_at, last_reachable_at, last_error)
                    VALUES (?, ?, ?, ?, ?, ?)""")
                    .params(status.clusterId(), status.reachability().name(), status.serverVersion(),
                            timestamp(status.lastCheckedAt()), timestamp(status.lastReachableAt()), status.error())
                    .update();
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
