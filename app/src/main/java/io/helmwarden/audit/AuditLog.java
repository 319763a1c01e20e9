package io.helmwarden.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The append-only, hash-chained audit log. {@link #append} is the only write: it locks the chain's head row,
 * so concurrent writers (threads or app replicas) queue up and the chain stays linear. Every entry also goes
 * to the log as one JSON line (logger {@code helmwarden.audit}) for a SIEM to collect, and every
 * {@code checkpoint-every} entries a signed checkpoint (sequence number and hash) goes there too: the database
 * alone cannot prove its newest entries were not cut off, a checkpoint kept elsewhere can.
 */
@Service
public class AuditLog {

    private static final Logger siem = LoggerFactory.getLogger("helmwarden.audit");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_DETAILS = 8000;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate ownTransaction;
    private final AuditChainKey key;
    private final int checkpointEvery;
    /** The newest checkpoint this instance logged: verification checks the database still reaches it. */
    private final AtomicReference<Checkpoint> lastCheckpoint = new AtomicReference<>();

    public AuditLog(JdbcClient jdbc, Clock clock, PlatformTransactionManager transactions, AuditChainKey key,
            @Value("${helmwarden.audit.checkpoint-every:100}") int checkpointEvery) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.key = key;
        this.checkpointEvery = Math.max(1, checkpointEvery);
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
        if (entry.seq() % checkpointEvery == 0) {
            checkpoint(entry.seq(), entry.hash());
        }
        return entry;
    }

    /** Where the chain stood when this instance started, for the log stream. */
    @EventListener(ApplicationReadyEvent.class)
    void checkpointAtStart() {
        checkpointHead();
    }

    /** Signs and logs where the chain stands now (at start, after a verification, every N entries). */
    public Checkpoint checkpointHead() {
        var head = head(false);
        return checkpoint((Long) head[0], (String) head[1]);
    }

    private Checkpoint checkpoint(long seq, String hash) {
        Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Checkpoint checkpoint = new Checkpoint(seq, hash, at, key.mac(Checkpoint.signed(seq, hash, at)));
        lastCheckpoint.accumulateAndGet(checkpoint, (old, now) -> old == null || now.seq() >= old.seq() ? now : old);
        siem.info(JSON.writeValueAsString(Map.of("checkpoint", checkpoint)));
        return checkpoint;
    }

    /**
     * A signed statement "entry {@code seq} had hash {@code hash} at {@code at}", as logged to the
     * {@code helmwarden.audit} stream.
     */
    public record Checkpoint(long seq, String hash, Instant at, String mac) {

        static String signed(long seq, String hash, Instant at) {
            return "checkpoint|" + seq + "|" + hash + "|" + at;
        }

        /** Reads a checkpoint line as logged (the JSON object, or the whole log line around it). */
        public static Optional<Checkpoint> parse(String line) {
            int start = line.indexOf("{\"checkpoint\"");
            if (start < 0) {
                return Optional.empty();
            }
            try {
                var node = JSON.readTree(line.substring(start, line.lastIndexOf('}') + 1)).get("checkpoint");
                return Optional.of(new Checkpoint(node.get("seq").asLong(), node.get("hash").asString(),
                        Instant.parse(node.get("at").asString()), node.get("mac").asString()));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    private AuditEntry write(AuditEvent event) {
        var head = head(true);
        long seq = (Long) head[0] + 1;
        String prevHash = (String) head[1];
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String details = event.details() == null || event.details().length() <= MAX_DETAILS ? event.details()
                : event.details().substring(0, MAX_DETAILS);
        // Every field cut to its column: a target named by a URL can be as long as the URL.
        var unhashed = new AuditEntry(seq, at, fit(event.actorSubject(), 255), fit(event.actorName(), 255),
                fit(event.actorRoles(), 255), fit(event.action(), 64), event.outcome(), fit(event.team(), 63),
                fit(AuditEntry.concerns(event.concerns()), 512), fit(event.targetCluster(), 63),
                fit(event.targetNamespace(), 253), fit(event.targetObject(), 512), details, prevHash, null);
        String hash = key.mac(unhashed.canonical());
        var entry = new AuditEntry(seq, at, unhashed.actorSubject(), unhashed.actorName(), unhashed.actorRoles(),
                unhashed.action(), unhashed.outcome(), unhashed.team(), unhashed.concerns(), unhashed.targetCluster(),
                unhashed.targetNamespace(), unhashed.targetObject(), details, prevHash, hash);
        jdbc.sql("""
                INSERT INTO audit_entry (seq, occurred_at, actor_subject, actor_name, actor_roles, action, outcome, team,
                    concerns, target_cluster, target_namespace, target_object, details, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(seq, Timestamp.from(at), entry.actorSubject(), entry.actorName(), entry.actorRoles(),
                        entry.action(), entry.outcome().name(), entry.team(), entry.concerns(), entry.targetCluster(),
                        entry.targetNamespace(), entry.targetObject(), entry.details(), prevHash, hash)
                .update();
        jdbc.sql("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1").params(seq, hash).update();
        return entry;
    }

    private static String fit(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
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

    /** The page just newer than a keyset cursor ({@code after}: a seq, exclusive), newest first like every page. */
    public List<AuditEntry> findNewer(AuditFilter filter, long after, int limit) {
        var sql = new StringBuilder("SELECT * FROM audit_entry WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        filter.appendTo(sql, params);
        sql.append(" AND seq > ?");
        params.add(after);
        sql.append(" ORDER BY seq ASC LIMIT ").append(Math.max(1, Math.min(limit, 500)));
        List<AuditEntry> oldestFirst = new ArrayList<>(jdbc.sql(sql.toString()).params(params).query(AuditLog::entry).list());
        java.util.Collections.reverse(oldestFirst);
        return oldestFirst;
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

    private Object[] head(boolean lock) {
        return jdbc.sql("SELECT last_seq, last_hash FROM audit_head WHERE id = 1" + (lock ? " FOR UPDATE" : ""))
                .query((rs, row) -> new Object[] {rs.getLong(1), rs.getString(2)}).single();
    }

    public Verification verify() {
        return verify(List.of());
    }

    /**
     * Checks the whole chain in order: each entry's keyed hash over its content, its link to the one before,
     * no gap in the sequence, and the head pointing at the last; then that the chain still reaches every
     * signed checkpoint given (pasted from the log stream) and the newest one this instance logged, so
     * entries cut off the end together with the head are found too. Names the first entry that does not match.
     */
    public Verification verify(List<Checkpoint> checkpoints) {
        Map<Long, String> expected = new HashMap<>();
        List<Checkpoint> all = new ArrayList<>(checkpoints);
        // A checkpoint of the empty chain (logged at the first start) proves nothing worth a word.
        Optional.ofNullable(lastCheckpoint.get()).filter(checkpoint -> checkpoint.seq() > 0).ifPresent(all::add);
        for (Checkpoint checkpoint : all) {
            if (!key.mac(Checkpoint.signed(checkpoint.seq(), checkpoint.hash(), checkpoint.at())).equals(checkpoint.mac())) {
                return new Verification(false, 0, null, "the checkpoint for entry " + checkpoint.seq()
                        + " is not signed with this installation's chain key");
            }
            expected.put(checkpoint.seq(), checkpoint.hash());
        }
        long newestCheckpoint = expected.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        Verification chain = verifyChain(expected);
        if (chain.intact() && chain.checked() < newestCheckpoint) {
            return Verification.broken(chain.checked() + 1, "entries " + (chain.checked() + 1) + " to "
                    + newestCheckpoint + " were removed: a signed checkpoint saw entry " + newestCheckpoint
                    + ", the database ends at " + chain.checked());
        }
        if (chain.intact()) {
            checkpointHead();
            if (!all.isEmpty()) {
                return new Verification(true, chain.checked(), null, chain.message() + ", and reach " + all.size()
                        + " signed checkpoint" + (all.size() == 1 ? "" : "s") + " (newest: entry " + newestCheckpoint + ")");
            }
        }
        return chain;
    }

    private Verification verifyChain(Map<Long, String> checkpoints) {
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
                } else if (!entry.hash().equals(key.mac(entry.canonical()))) {
                    failure[0] = Verification.broken(entry.seq(), "entry " + entry.seq() + " was changed after it was"
                            + " written (or written under another chain key)");
                } else if (checkpoints.containsKey(entry.seq()) && !checkpoints.get(entry.seq()).equals(entry.hash())) {
                    failure[0] = Verification.broken(entry.seq(), "entry " + entry.seq() + " differs from what a signed"
                            + " checkpoint saw: the chain from there on was rewritten");
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
        var head = head(false);
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
                AuditEntry.Outcome.valueOf(rs.getString("outcome")), rs.getString("team"), rs.getString("concerns"),
                rs.getString("target_cluster"),
                rs.getString("target_namespace"), rs.getString("target_object"), rs.getString("details"),
                rs.getString("prev_hash"), rs.getString("hash"));
    }
}
