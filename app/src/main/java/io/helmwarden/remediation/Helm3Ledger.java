package io.helmwarden.remediation;

import io.helmwarden.fleet.ConvertedReleases;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Every Helm 3 record a conversion wrote, kept in the database: Helm 3 drops Helm Warden's annotations the first
 * time it rewrites a record, so only this says what was converted, by which run, and (by resourceVersion) whether
 * Helm 3 has acted on it since.
 */
@Repository
public class Helm3Ledger implements ConvertedReleases {

    /** One written record; {@code revertedAt} once an undo or a failed verification removed it again. */
    public record Entry(String runId, String tillerId, String team, String namespace, String release, int revision,
            String status, String uid, String resourceVersion, Instant writtenAt, Instant revertedAt) {

        public boolean reverted() {
            return revertedAt != null;
        }
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    Helm3Ledger(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records a written Secret; recording it twice (a resumed step) keeps the first. */
    void written(RemediationRun run, String namespace, String release, int revision, String status, String uid,
            String resourceVersion) {
        try {
            jdbc.sql("""
                    INSERT INTO helm3_conversion (run_id, tiller_id, team, namespace, release_name, revision, status,
                        secret_uid, resource_version, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(run.id(), run.tillerId(), run.team(), namespace, release, revision, status, uid,
                            resourceVersion, Timestamp.from(clock.instant()))
                    .update();
        } catch (DuplicateKeyException e) {
            // Already recorded before a crash: the step found its Secret and goes on.
        }
    }

    void reverted(String runId, String namespace, String release, int revision) {
        jdbc.sql("""
                UPDATE helm3_conversion SET reverted_at = ? WHERE run_id = ? AND namespace = ? AND release_name = ?
                    AND revision = ? AND reverted_at IS NULL""")
                .params(Timestamp.from(clock.instant()), runId, namespace, release, revision).update();
    }

    public List<Entry> forRun(String runId) {
        return jdbc.sql("SELECT * FROM helm3_conversion WHERE run_id = ? ORDER BY namespace, release_name, revision")
                .param(runId).query(Helm3Ledger::entry).list();
    }

    @Override
    public List<Converted> converted() {
        return jdbc.sql("""
                SELECT DISTINCT tiller_id, team, namespace, release_name FROM helm3_conversion WHERE reverted_at IS NULL
                ORDER BY tiller_id, namespace, release_name""")
                .query((rs, row) -> new Converted(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
    }

    private static Entry entry(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        Timestamp reverted = rs.getTimestamp("reverted_at");
        return new Entry(rs.getString("run_id"), rs.getString("tiller_id"), rs.getString("team"), rs.getString("namespace"),
                rs.getString("release_name"), rs.getInt("revision"), rs.getString("status"), rs.getString("secret_uid"),
                rs.getString("resource_version"), rs.getTimestamp("written_at").toInstant(),
                reverted == null ? null : reverted.toInstant());
    }
}
