package io.helmwarden.audit;

import static org.assertj.core.api.Assertions.assertThat;

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

    static AuditLog log(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return new AuditLog(JdbcClient.create(dataSource), Clock.systemUTC(), new DataSourceTransactionManager(dataSource));
    }

    static AuditEvent event(int i) {
        return AuditEvent.by(new AuditEvent.Actor("user-" + i, "User " + i, "AUDITOR"), "sign-in",
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
        AuditLog second = new AuditLog(JdbcClient.create(dataSource), Clock.systemUTC(),
                new DataSourceTransactionManager(dataSource));
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
}
