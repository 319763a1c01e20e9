package io.helmwarden.fleet;

import io.helmwarden.check.Finding;
import io.helmwarden.check.Severity;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Each cluster's posture over time, kept in the database: a sample whenever it changes, and at least every
 * {@code helmwarden.posture-sample-interval} while it stays the same.
 */
@Component
public class PostureHistory {

    /**
     * One cluster's posture at one moment; {@code score} is null while it has no Tiller, the release counts null in
     * samples taken before they were recorded.
     */
    public record Sample(String clusterId, Instant takenAt, Integer score, int tillers, int critical, int high,
            int medium, int low, Integer helm2Releases, Integer helm3Releases) {

        public Sample(String clusterId, Instant takenAt, Integer score, int tillers, int critical, int high, int medium,
                int low) {
            this(clusterId, takenAt, score, tillers, critical, high, medium, low, null, null);
        }

        boolean sameFiguresAs(Sample other) {
            return Objects.equals(score, other.score) && tillers == other.tillers && critical == other.critical
                    && high == other.high && medium == other.medium && low == other.low
                    && Objects.equals(helm2Releases, other.helm2Releases) && Objects.equals(helm3Releases, other.helm3Releases);
        }
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration interval;
    private final Map<String, Sample> latest = new ConcurrentHashMap<>();

    PostureHistory(JdbcClient jdbc, Clock clock,
            @Value("${helmwarden.posture-sample-interval:10m}") Duration interval) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.interval = interval;
    }

    void record(ClusterInventory inventory) {
        Sample sample = sampleOf(inventory, clock.instant());
        Sample previous = latest.get(inventory.clusterId());
        if (previous != null && previous.sameFiguresAs(sample)
                && previous.takenAt().plus(interval).isAfter(sample.takenAt())) {
            return;
        }
        jdbc.sql("""
                INSERT INTO posture_sample (cluster_id, taken_at, score, tillers, critical, high, medium, low,
                    helm2_releases, helm3_releases) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(sample.clusterId(), Timestamp.from(sample.takenAt()), sample.score(), sample.tillers(),
                        sample.critical(), sample.high(), sample.medium(), sample.low(), sample.helm2Releases(),
                        sample.helm3Releases())
                .update();
        latest.put(inventory.clusterId(), sample);
    }

    /** Samples of a cluster since a moment, oldest first. */
    public List<Sample> since(String clusterId, Instant since) {
        return jdbc.sql("""
                SELECT cluster_id, taken_at, score, tillers, critical, high, medium, low, helm2_releases, helm3_releases
                FROM posture_sample
                WHERE cluster_id = ? AND taken_at >= ? ORDER BY taken_at""")
                .params(clusterId, Timestamp.from(since))
                .query((rs, row) -> new Sample(rs.getString(1), rs.getTimestamp(2).toInstant(),
                        (Integer) rs.getObject(3), rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getInt(8),
                        (Integer) rs.getObject(9), (Integer) rs.getObject(10)))
                .list();
    }

    private static Sample sampleOf(ClusterInventory inventory, Instant now) {
        List<Finding> open = inventory.tillers().stream().flatMap(state -> state.findings().stream())
                .filter(finding -> !finding.exempt()).toList();
        return new Sample(inventory.clusterId(), now,
                inventory.score().isPresent() ? inventory.score().getAsInt() : null, inventory.tillers().size(),
                count(open, Severity.CRITICAL), count(open, Severity.HIGH), count(open, Severity.MEDIUM),
                count(open, Severity.LOW),
                WayOut.helm2Releases(inventory.tillers()),
                (int) inventory.helm3Releases().stream().map(r -> r.namespace() + "/" + r.name()).distinct().count());
    }

    private static int count(List<Finding> findings, Severity severity) {
        return (int) findings.stream().filter(finding -> finding.severity() == severity).count();
    }
}
