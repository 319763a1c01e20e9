package io.helmwarden.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.helmwarden.audit.AuditAction;
import io.helmwarden.support.PostgresServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The chain on H2 and on a real PostgreSQL: it verifies when untouched; a changed, removed or reordered
 * row is found and named; two writers at once still make one valid chain.
 */
class AuditLogIT {

    static int databases;

    /** A fresh database per test, migrated. */
    static Stream<Arguments> databases() throws Exception {
        var h2 = new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:mem:audit" + (++databases) + ";DB_CLOSE_DELAY=-1",
                "sa", "");
        return Stream.of(Arguments.of("H2", h2), Arguments.of("PostgreSQL", PostgresServer.shared().newDatabase()));
    }

    static final AuditChainKey KEY = new AuditChainKey("audit-log-it-chain-key");

    static AuditLog log(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return instance(dataSource, 100);
    }

    /** Another instance on the same database: a second replica, or the app after a restart. */
    static AuditLog instance(DataSource dataSource, int checkpointEvery) {
        return new AuditLog(JdbcClient.create(dataSource), Clock.systemUTC(), new DataSourceTransactionManager(dataSource),
                KEY, checkpointEvery);
    }

    static AuditEvent event(int i) {
        return AuditEvent.by(new AuditEvent.Actor("user-" + i, "User " + i, "AUDITOR"), AuditAction.SIGN_IN,
                AuditEntry.Outcome.SUCCESS).target("payments", "prod-eu", "payments-tiller", "Tiller tiller-deploy")
                .details("attempt " + i);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anUntouchedChainVerifiesAndEveryKindOfTamperingIsNamed(String name, DataSource dataSource) {
        AuditLog log = log(dataSource);
        for (int i = 1; i <= 10; i++) {
            log.append(event(i));
        }
        assertThat(log.verify().intact()).isTrue();
        assertThat(log.verify().checked()).isEqualTo(10);
        var jdbc = JdbcClient.create(dataSource);

        jdbc.sql("UPDATE audit_entry SET details = 'nothing happened' WHERE seq = 4").update();
        var changed = log.verify();
        assertThat(changed.intact()).isFalse();
        assertThat(changed.firstBrokenSeq()).isEqualTo(4);
        assertThat(changed.message()).contains("entry 4 was changed");
        jdbc.sql("UPDATE audit_entry SET details = 'attempt 4' WHERE seq = 4").update();
        assertThat(log.verify().intact()).isTrue();

        // Reordering: entries 6 and 7 swap places (their contents move, their hashes no longer link).
        jdbc.sql("UPDATE audit_entry SET seq = -6 WHERE seq = 6").update();
        jdbc.sql("UPDATE audit_entry SET seq = 6 WHERE seq = 7").update();
        jdbc.sql("UPDATE audit_entry SET seq = 7 WHERE seq = -6").update();
        assertThat(log.verify().firstBrokenSeq()).isEqualTo(6);
        jdbc.sql("UPDATE audit_entry SET seq = -7 WHERE seq = 7").update();
        jdbc.sql("UPDATE audit_entry SET seq = 7 WHERE seq = 6").update();
        jdbc.sql("UPDATE audit_entry SET seq = 6 WHERE seq = -7").update();
        assertThat(log.verify().intact()).isTrue();

        jdbc.sql("DELETE FROM audit_entry WHERE seq = 9").update();
        var removed = log.verify();
        assertThat(removed.firstBrokenSeq()).isEqualTo(9);
        assertThat(removed.message()).contains("entry 9 is missing");

        jdbc.sql("DELETE FROM audit_entry WHERE seq >= 9").update();
        var truncated = log.verify();
        assertThat(truncated.intact()).isFalse();
        assertThat(truncated.message()).contains("newest entries were removed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoWritersAtOnceMakeOneValidChain(String name, DataSource dataSource) throws Exception {
        AuditLog first = log(dataSource);
        AuditLog second = instance(dataSource, 100);
        var pool = Executors.newFixedThreadPool(4);
        List<Future<AuditEntry>> written = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            AuditLog writer = i % 2 == 0 ? first : second;
            int n = i;
            written.add(pool.submit((Callable<AuditEntry>) () -> writer.append(event(n))));
        }
        for (Future<AuditEntry> future : written) {
            future.get();
        }
        pool.shutdown();
        var verification = first.verify();
        assertThat(verification.intact()).as(verification.message()).isTrue();
        assertThat(verification.checked()).isEqualTo(100);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void rewritingEntriesAndTheHeadWithRecomputedPlainHashesIsFound(String name, DataSource dataSource)
            throws Exception {
        AuditLog log = log(dataSource);
        for (int i = 1; i <= 10; i++) {
            log.append(event(i));
        }
        var jdbc = JdbcClient.create(dataSource);
        // What an attacker with only database access does: change entry 4, then recompute every hash after it
        // the way an unkeyed chain is computed, and the head with them.
        jdbc.sql("UPDATE audit_entry SET details = 'nothing happened' WHERE seq = 4").update();
        String prev = log.find(3).orElseThrow().hash();
        for (long seq = 4; seq <= 10; seq++) {
            AuditEntry entry = log.find(seq).orElseThrow();
            var relinked = new AuditEntry(entry.seq(), entry.occurredAt(), entry.actorSubject(), entry.actorName(),
                    entry.actorRoles(), entry.action(), entry.outcome(), entry.team(), entry.concerns(),
                    entry.targetCluster(), entry.targetNamespace(), entry.targetObject(), entry.details(), prev, null);
            String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(relinked.canonical().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            jdbc.sql("UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE seq = ?").params(prev, hash, seq).update();
            prev = hash;
        }
        jdbc.sql("UPDATE audit_head SET last_hash = ? WHERE id = 1").param(prev).update();

        var verification = instance(dataSource, 100).verify();
        assertThat(verification.intact()).isFalse();
        assertThat(verification.firstBrokenSeq()).isEqualTo(4);
        assertThat(verification.message()).contains("entry 4 was changed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void cuttingOffTheNewestEntriesWithTheHeadIsFoundByASignedCheckpoint(String name, DataSource dataSource) {
        AuditLog log = log(dataSource);
        AuditLog replica = instance(dataSource, 5);
        for (int i = 1; i <= 10; i++) {
            replica.append(event(i));
        }
        AuditLog.Checkpoint logged = replica.checkpointHead();
        String line = "2026-12-02 07:00:00 INFO helmwarden.audit : "
                + tools.jackson.databind.json.JsonMapper.builder().build()
                        .writeValueAsString(java.util.Map.of("checkpoint", logged));
        AuditLog.Checkpoint pasted = AuditLog.Checkpoint.parse(line).orElseThrow();
        assertThat(pasted).isEqualTo(logged);
        assertThat(log.verify(List.of(pasted)).intact()).isTrue();

        var jdbc = JdbcClient.create(dataSource);
        jdbc.sql("DELETE FROM audit_entry WHERE seq > 8").update();
        jdbc.sql("UPDATE audit_head SET last_seq = 8, last_hash = ? WHERE id = 1").param(log.find(8).orElseThrow().hash())
                .update();
        AuditLog restarted = instance(dataSource, 100);
        assertThat(restarted.verify().intact()).as("the database alone cannot tell").isTrue();
        var withCheckpoint = restarted.verify(List.of(pasted));
        assertThat(withCheckpoint.intact()).isFalse();
        assertThat(withCheckpoint.message()).contains("entries 9 to 10 were removed");
        assertThat(replica.verify().intact()).as("the instance that logged the checkpoint remembers it").isFalse();

        var forged = new AuditLog.Checkpoint(8, pasted.hash(), pasted.at(), pasted.mac());
        assertThat(restarted.verify(List.of(forged)).message()).contains("not signed with this installation's chain key");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anEntryConcerningAnotherTeamIsVisibleToThatTeam(String name, DataSource dataSource) {
        AuditLog log = log(dataSource);
        log.append(AuditEvent.by(new AuditEvent.Actor("sam", "Sam Search", "TEAM_LEAD"), AuditAction.REMEDIATION_REFUSED,
                AuditEntry.Outcome.DENIED).target("search", "prod-eu", "search-tiller", "Tiller tiller-deploy")
                .alsoConcerning(List.of("payments", "search")).details("migrate-storage-to-secrets: refused"));
        log.append(event(2));
        var forPayments = new AuditFilter(null, null, null, null, null, null, null, java.util.Set.of("payments"));
        assertThat(log.find(forPayments, null, 50)).extracting(AuditEntry::action)
                .containsExactly("sign-in", "remediation-refused");
        var refused = log.find(forPayments, null, 50).get(1);
        assertThat(refused.concernedTeams()).containsExactly("payments");
        assertThat(log.find(new AuditFilter(null, "payments", null, null, null, null, null, java.util.Set.of("search")),
                null, 50)).extracting(AuditEntry::action).containsExactly("remediation-refused");
        assertThat(log.find(new AuditFilter(null, null, null, null, null, null, null, java.util.Set.of("data")), null, 50))
                .isEmpty();
        assertThat(log.verify().intact()).isTrue();
    }
}
