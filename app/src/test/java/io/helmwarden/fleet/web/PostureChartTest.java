package io.helmwarden.fleet.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.helmwarden.fleet.PostureHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The posture chart's time axis covers the samples there are: no smear of dots at its right edge. */
class PostureChartTest {

    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    static final Duration WEEK = Duration.ofDays(7);

    @Test
    void aYoungInstallationsSamplesSpreadAcrossTheChart() {
        var chart = PostureChart.of(List.of(List.of(sample(NOW.minus(Duration.ofHours(3)), 40), sample(NOW, 70))),
                List.of("Production"), NOW, WEEK);
        assertThat(chart.covers()).isEqualTo("the last 3 hours");
        assertThat(chart.lines().get(0).dots()).extracting(PostureChart.Dot::x)
                .containsExactly(PostureChart.PADDING, PostureChart.WIDTH - PostureChart.PADDING);
    }

    @Test
    void minutesOfSamplesStillGetAnHourAndAWeekIsTheMost() {
        var fresh = PostureChart.of(List.of(List.of(sample(NOW.minusSeconds(60), 40))), List.of("a"), NOW, WEEK);
        assertThat(fresh.covers()).isEqualTo("the last 1 hour");
        var old = PostureChart.of(List.of(List.of(sample(NOW.minus(Duration.ofDays(30)), 40), sample(NOW, 50))),
                List.of("a"), NOW, WEEK);
        assertThat(old.covers()).isEqualTo("the last 7 days");
        assertThat(old.lines().get(0).dots().get(0).x()).isEqualTo(PostureChart.PADDING);
    }

    private static PostureHistory.Sample sample(Instant at, int score) {
        return new PostureHistory.Sample("a", at, score, 1, 0, 0, 0, 0);
    }
}
