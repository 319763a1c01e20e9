package io.helmwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.helmwarden.support.PostgresServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** The one set of Flyway migrations, and the SQL that uses it, on H2 and on a real PostgreSQL server. */
class ClusterStatusRepositoryIT {

    static Stream<Arguments> databases() throws Exception {
        var h2 = new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:mem:migrations;DB_CLOSE_DELAY=-1", "sa", "");
        return Stream.of(Arguments.of("H2", h2), Arguments.of("PostgreSQL", PostgresServer.shared().newDatabase()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void migrationsApplyAndStatusesSurviveARoundTrip(String name, DataSource dataSource) {
        var result = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isPositive();

        var repository = new ClusterStatusRepository(JdbcClient.create(dataSource));
        Instant reachableAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var reachable = ClusterStatus.unknown("prod-eu", java.util.Optional.empty()).reachable("v1.20.2", reachableAt);
        repository.save(reachable);
        assertThat(repository.find("prod-eu")).contains(reachable);

        var unreachable = reachable.unreachable("connection refused", reachableAt.plusSeconds(30));
        repository.save(unreachable);
        var stored = repository.find("prod-eu").orElseThrow();
        assertThat(stored.reachability()).isEqualTo(ClusterStatus.Reachability.UNREACHABLE);
        assertThat(stored.lastReachableAt()).isEqualTo(reachableAt);
        assertThat(stored.serverVersion()).isEqualTo("v1.20.2");
        assertThat(stored.error()).isEqualTo("connection refused");
        assertThat(repository.find("elsewhere")).isEmpty();
    }
}
