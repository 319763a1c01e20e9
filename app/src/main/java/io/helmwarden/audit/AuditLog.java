package io.helmwarden.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The append-only, hash-chained audit log. {@link #append} is the only write: it locks the chain's head row,
 * so concurrent writers (threads or app replicas) queue up and the chain stays linear. Every entry also goes
 * to the log as one JSON line (logger {@code helmwarden.audit}) for a SIEM to collect.
 */
@Service
public class AuditLog {

    private static final Logger siem = LoggerFactory.getLogger("helmwarden.audit");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_DETAILS = 8000;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate ownTransaction;

    public AuditLog(JdbcClient jdbc, Clock clock, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Appends in a transaction of its own (an audited action that fails later is still audited), holding
     * the head row's lock until the entry is in.
     */
    public AuditEntry append(AuditEvent event) {
        AuditEntry entry = ownTransaction.execute(status -> write(event));
        siem.info(JSON.writeValueAsString(entry));
        return entry;
    }

    private AuditEntry write(AuditEvent event) {
        var head = jdbc.sql("SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .query((rs, row) -> new Object[] {rs.getLong(1), rs.getString(2)}).single();
        long seq = (Long) head[0] + 1;
        String prevHash = (String) head[1];
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String details = event.details() == null || event.details().length() <= MAX_DETAILS ? event.details()
                : event.details().substring(0, MAX_DETAILS);
        String hash = AuditEntry.hashOf(seq, at, event.actorSubject(), event.actorName(), event.actorRoles(),
                event.action(), event.outcome(), event.team(), event.targetCluster(), event.targetNamespace(),
                event.targetObject(), details, prevHash);
        var entry = new AuditEntry(seq, at, event.actorSubject(), event.actorName(), event.actorRoles(), event.action(),
                event.outcome(), event.team(), event.targetCluster(), event.targetNamespace(), event.targetObject(),
                details, prevHash, hash);
        jdbc.sql("""
                INSERT INTO audit_entry (seq, occurred_at, actor_subject, actor_name, actor_roles, action, outcome, team,
                    target_cluster, target_namespace, target_object, details, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(seq, Timestamp.from(at), entry.actorSubject(), entry.actorName(), entry.actorRoles(),
                        entry.action(), entry.outcome().name(), entry.team(), entry.targetCluster(),
                        entry.targetNamespace(), entry.targetObject(), entry.details(), prevHash, hash)
                .update();
        jdbc.sql("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1").params(seq, hash).update();
        return entry;
    }

    /** Entries matching a filter, newest first, after a keyset cursor ({@code before}: a seq, exclusive). */
    public List<AuditEntry> find(AuditFilter filter, Long before, int limit) {
        var sql = new StringBuilder("SELECT * FROM audit_entry WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        filter.appendTo(sql, params);
        if (before != null) {
            sql.append(" AND seq < ?");
            params.add(before);
        }
        sql.append(" ORDER BY seq DESC LIMIT ").append(Math.max(1, Math.min(limit, 500)));
        return jdbc.sql(sql.toString()).params(params).query(AuditLog::entry).list();
    }

    /** Streams every entry matching a filter, oldest first, without holding them all (exports). */
    public void forEach(AuditFilter filter, Consumer<AuditEntry> consumer) {
        var sql = new StringBuilder("SELECT * FROM audit_entry WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        filter.appendTo(sql, params);
        sql.append(" ORDER BY seq");
        try (var entries = jdbc.sql(sql.toString()).params(params).withFetchSize(500).query(AuditLog::entry).stream()) {
            entries.forEach(consumer);
        }
    }

    public Optional<AuditEntry> find(long seq) {
        return jdbc.sql("SELECT * FROM audit_entry WHERE seq = ?").param(seq).query(AuditLog::entry).optional();
    }

    /**
     * Checks the whole chain in order: each entry's hash over its content, its link to the one before, no
     * gap in the sequence, and the head pointing at the last. Names the first entry that does not match.
     */
    public Verification verify() {
        long[] expectedSeq = {1};
        String[] prev = {"0".repeat(64)};
        Verification[] failure = {null};
        long[] count = {0};
        try (var entries = jdbc.sql("SELECT * FROM audit_entry ORDER BY seq").withFetchSize(1000)
                .query(AuditLog::entry).stream()) {
            entries.takeWhile(entry -> failure[0] == null).forEach(entry -> {
                if (entry.seq() != expectedSeq[0]) {
                    failure[0] = Verification.broken(expectedSeq[0], "entry " + expectedSeq[0] + " is missing (next is "
                            + entry.seq() + ")");
                } else if (!entry.prevHash().equals(prev[0])) {
                    failure[0] = Verification.broken(entry.seq(), "entry " + entry.seq()
                            + " does not follow the entry before it (order or a removal was changed)");
                } else if (!entry.hash().equals(entry.expectedHash())) {
                    failure[0] = Verification.broken(entry.seq(), "entry " + entry.seq() + " was changed after it was written");
                } else {
                    prev[0] = entry.hash();
                    expectedSeq[0]++;
                    count[0]++;
                }
            });
        }
        if (failure[0] != null) {
            return failure[0];
        }
        var head = jdbc.sql("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
                .query((rs, row) -> new Object[] {rs.getLong(1), rs.getString(2)}).single();
        if ((Long) head[0] != count[0] || !head[1].equals(prev[0])) {
            return Verification.broken(count[0] + 1, "the newest entries were removed: the chain ends at " + count[0]
                    + " but " + head[0] + " were written");
        }
        return new Verification(true, count[0], null, "all " + count[0] + " entries match");
    }

    /** The result of {@link #verify}: intact, or the first entry that does not match and why. */
    public record Verification(boolean intact, long checked, Long firstBrokenSeq, String message) {

        static Verification broken(long seq, String message) {
            return new Verification(false, seq - 1, seq, message);
        }
    }

    private static AuditEntry entry(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(rs.getLong("seq"), rs.getTimestamp("occurred_at").toInstant(), rs.getString("actor_subject"),
                rs.getString("actor_name"), rs.getString("actor_roles"), rs.getString("action"),
                AuditEntry.Outcome.valueOf(rs.getString("outcome")), rs.getString("team"), rs.getString("target_cluster"),
                rs.getString("target_namespace"), rs.getString("target_object"), rs.getString("details"),
                rs.getString("prev_hash"), rs.getString("hash"));
    }
}
