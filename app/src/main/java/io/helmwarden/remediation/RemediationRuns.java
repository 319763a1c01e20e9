package io.helmwarden.remediation;

import io.helmwarden.cluster.ClusterIdentity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs and steps in the database, written before and after every step, and the per-Tiller lock: a run
 * exists only together with its lock row, so two browsers or two replicas cannot start two runs for one
 * Tiller.
 */
@Repository
public class RemediationRuns {

    /** Another run holds this Tiller. */
    public static class AlreadyRunning extends PlanRefused {
        public AlreadyRunning(String tillerId) {
            super("a remediation is already running for " + tillerId);
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;

    RemediationRuns(JdbcClient jdbc, TransactionTemplate transaction, Clock clock) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.clock = clock;
    }

    RemediationRun create(String tillerId, String team, RemediationKind kind, String requestedBy,
            String storageNamespace) {
        return create(tillerId, team, kind, requestedBy, storageNamespace, RunParameters.none());
    }

    RemediationRun create(String tillerId, String team, RemediationKind kind, String requestedBy,
            String storageNamespace, RunParameters parameters) {
        return create(tillerId, team, kind, requestedBy, storageNamespace, parameters, Optional.empty());
    }

    /**
     * A new run of the kind's steps, all pending, holding the Tiller's lock.
     *
     * @param actingAs whom the run acts as where a cluster acts as the signed-in person
     */
    RemediationRun create(String tillerId, String team, RemediationKind kind, String requestedBy,
            String storageNamespace, RunParameters parameters, Optional<ClusterIdentity> actingAs) {
        String remediation = kind.id();
        List<String> stepNames = kind.stepNames();
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        try {
            transaction.executeWithoutResult(status -> {
                jdbc.sql("INSERT INTO remediation_lock (tiller_id, run_id) VALUES (?, ?)").params(tillerId, id).update();
                jdbc.sql("""
                        INSERT INTO remediation_run (id, tiller_id, team, remediation, state, requested_by, created_at,
                            updated_at, storage_namespace, parameters, acting_user, acting_groups)
                            VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?, ?)""")
                        .params(id, tillerId, team, remediation, requestedBy, Timestamp.from(now), Timestamp.from(now),
                                storageNamespace, parameters.encode(), actingAs.map(ClusterIdentity::user).orElse(null),
                                actingAs.map(person -> String.join("\n", person.groups())).orElse(null))
                        .update();
                for (int i = 0; i < stepNames.size(); i++) {
                    jdbc.sql("INSERT INTO remediation_step (run_id, step_index, name, state) VALUES (?, ?, ?, 'PENDING')")
                            .params(id, i, stepNames.get(i)).update();
                }
            });
        } catch (DuplicateKeyException e) {
            throw new AlreadyRunning(tillerId);
        }
        return find(id).orElseThrow();
    }

    void stepStarted(String runId, int index) {
        jdbc.sql("UPDATE remediation_step SET state = 'RUNNING', started_at = ? WHERE run_id = ? AND step_index = ?")
                .params(Timestamp.from(clock.instant()), runId, index).update();
        touch(runId);
    }

    void stepFinished(String runId, int index, RemediationRun.StepStatus status, String detail) {
        jdbc.sql("""
                UPDATE remediation_step SET state = ?, finished_at = ?, detail = ? WHERE run_id = ? AND step_index = ?""")
                .params(status.name(), Timestamp.from(clock.instant()), truncate(detail, 4000), runId, index).update();
        touch(runId);
    }

    void originalReplicas(String runId, int replicas) {
        jdbc.sql("UPDATE remediation_run SET original_replicas = ? WHERE id = ? AND original_replicas IS NULL")
                .params(replicas, runId).update();
    }

    /** Ends a run and frees its Tiller, in one transaction. */
    void finish(String runId, RemediationRun.State state, String error) {
        transaction.executeWithoutResult(status -> {
            jdbc.sql("UPDATE remediation_run SET state = ?, error = ?, updated_at = ? WHERE id = ?")
                    .params(state.name(), truncate(error, 2000), Timestamp.from(clock.instant()), runId).update();
            jdbc.sql("DELETE FROM remediation_lock WHERE run_id = ?").param(runId).update();
        });
    }

    /**
     * Takes a failed run up again: it holds its Tiller's lock once more (if nothing else does) and its failed
     * step goes back to pending.
     */
    void reopen(String runId, String tillerId) {
        try {
            transaction.executeWithoutResult(status -> {
                jdbc.sql("INSERT INTO remediation_lock (tiller_id, run_id) VALUES (?, ?)").params(tillerId, runId).update();
                jdbc.sql("UPDATE remediation_run SET state = 'RUNNING', error = NULL, updated_at = ? WHERE id = ?")
                        .params(Timestamp.from(clock.instant()), runId).update();
                jdbc.sql("UPDATE remediation_step SET state = 'PENDING' WHERE run_id = ? AND state IN ('FAILED', 'RUNNING')")
                        .param(runId).update();
            });
        } catch (DuplicateKeyException e) {
            throw new AlreadyRunning(tillerId);
        }
    }

    public Optional<RemediationRun> find(String id) {
        return jdbc.sql("SELECT * FROM remediation_run WHERE id = ?").param(id).query(this::run).optional();
    }

    public List<RemediationRun> forTiller(String tillerId) {
        return jdbc.sql("SELECT * FROM remediation_run WHERE tiller_id = ? ORDER BY created_at DESC").param(tillerId)
                .query(this::run).list();
    }

    /** The newest runs first, at most {@code limit}. */
    public List<RemediationRun> recent(int limit) {
        return jdbc.sql("SELECT * FROM remediation_run ORDER BY created_at DESC LIMIT ?").param(limit)
                .query(this::run).list();
    }

    List<RemediationRun> unfinished() {
        return jdbc.sql("SELECT * FROM remediation_run WHERE state = 'RUNNING' ORDER BY created_at").query(this::run).list();
    }

    /**
     * Takes over a running run whose worker has gone quiet for longer than the lease (its replica died):
     * exactly one caller succeeds, so two replicas never work the same run.
     */
    boolean claim(String runId, Duration lease) {
        Instant now = clock.instant();
        return jdbc.sql("""
                UPDATE remediation_run SET updated_at = ? WHERE id = ? AND state = 'RUNNING' AND updated_at < ?""")
                .params(Timestamp.from(now), runId, Timestamp.from(now.minus(lease))).update() == 1;
    }

    /** The worker is alive: keeps other replicas from claiming the run. */
    void touch(String runId) {
        jdbc.sql("UPDATE remediation_run SET updated_at = ? WHERE id = ?").params(Timestamp.from(clock.instant()), runId)
                .update();
    }

    private RemediationRun run(ResultSet rs, int row) throws SQLException {
        String id = rs.getString("id");
        List<RemediationRun.StepState> steps = jdbc.sql(
                        "SELECT * FROM remediation_step WHERE run_id = ? ORDER BY step_index").param(id)
                .query((s, n) -> new RemediationRun.StepState(s.getInt("step_index"), s.getString("name"),
                        RemediationRun.StepStatus.valueOf(s.getString("state")), instant(s.getTimestamp("started_at")),
                        instant(s.getTimestamp("finished_at")), s.getString("detail")))
                .list();
        return new RemediationRun(id, rs.getString("tiller_id"), rs.getString("team"), rs.getString("remediation"),
                RemediationRun.State.valueOf(rs.getString("state")), rs.getString("requested_by"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")),
                rs.getString("storage_namespace"), (Integer) rs.getObject("original_replicas"), rs.getString("error"),
                steps, RunParameters.decode(rs.getString("parameters")), actingAs(rs));
    }

    private static Optional<ClusterIdentity> actingAs(ResultSet rs) throws SQLException {
        String user = rs.getString("acting_user");
        String groups = rs.getString("acting_groups");
        // Checked again as it is read: a row edited by hand cannot make a run act as the API server's own identities.
        return ClusterIdentity.of(user, groups == null || groups.isEmpty() ? List.of() : List.of(groups.split("\n")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
