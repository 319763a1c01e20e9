package io.helmwarden.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.helmwarden.support.PostgresServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Posture samples on a real PostgreSQL: one when figures change, one per interval while they do not. */
class PostureHistoryIT {

    @Test
    void samplesOnChangeAndOnInterval() throws Exception {
        DataSource dataSource = PostgresServer.shared().newDatabase();
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        Instant start = Instant.parse("2026-11-20T00:00:00Z");
        var clock = new MutableClock(start);
        var history = new PostureHistory(JdbcClient.create(dataSource), clock, Duration.ofMinutes(10));

        history.record(inventory(OptionalInt.of(40)));
        clock.now = start.plusSeconds(60);
        history.record(inventory(OptionalInt.of(40)));
        clock.now = start.plusSeconds(120);
        history.record(inventory(OptionalInt.of(60)));
        clock.now = start.plus(Duration.ofMinutes(15));
        history.record(inventory(OptionalInt.of(60)));

        assertThat(history.since("prod", start.minusSeconds(1)))
                .extracting(PostureHistory.Sample::score).containsExactly(40, 60, 60);
        assertThat(history.since("prod", start.plusSeconds(100))).hasSize(2);
        assertThat(history.since("other", start)).isEmpty();
    }

    private static ClusterInventory inventory(OptionalInt score) {
        return new ClusterInventory("prod", "Production", true, Instant.now(), Map.of(), List.of(), List.of(), score);
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
