package io.helmwarden.web;

import io.helmwarden.fleet.PostureHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Each cluster's posture score over a time window as SVG polylines (x: time, y: score 0–100), laid out here
 * and drawn by the template; no chart library and nothing fetched from elsewhere.
 */
record PostureChart(List<Line> lines, Instant from, Instant to) {

    static final int WIDTH = 480;
    static final int HEIGHT = 140;
    static final int PADDING = 24;

    /** A cluster's line; each sample is also drawn as a dot, so a single sample is visible too. */
    record Line(String cluster, String points, List<Dot> dots, String tone, Integer latest) {
    }

    record Dot(int x, int y) {
    }

    static final List<String> TONES = List.of("line-a", "line-b", "line-c", "line-d");

    static PostureChart of(List<List<PostureHistory.Sample>> perCluster, List<String> names, Instant now,
            Duration window) {
        Instant from = now.minus(window);
        double span = window.toMillis();
        List<Line> lines = new java.util.ArrayList<>();
        for (int i = 0; i < perCluster.size(); i++) {
            List<PostureHistory.Sample> samples = perCluster.get(i).stream().filter(s -> s.score() != null).toList();
            String points = samples.stream()
                    .map(s -> x(s.takenAt(), from, span) + "," + y(s.score()))
                    .collect(Collectors.joining(" "));
            if (!samples.isEmpty()) {
                // Extend the last known score to now: posture holds until it changes.
                points += " " + (WIDTH - PADDING) + "," + y(samples.get(samples.size() - 1).score());
            }
            List<Dot> dots = samples.stream().map(s -> new Dot(x(s.takenAt(), from, span), y(s.score()))).toList();
            lines.add(new Line(names.get(i), points, dots, TONES.get(i % TONES.size()),
                    samples.isEmpty() ? null : samples.get(samples.size() - 1).score()));
        }
        return new PostureChart(lines, from, now);
    }

    public boolean empty() {
        return lines.stream().allMatch(line -> Objects.equals(line.points(), ""));
    }

    private static int x(Instant at, Instant from, double span) {
        double share = Math.max(0, Math.min(1, (at.toEpochMilli() - from.toEpochMilli()) / span));
        return PADDING + (int) Math.round(share * (WIDTH - 2 * PADDING));
    }

    private static int y(int score) {
        return PADDING / 2 + (int) Math.round((100 - score) / 100.0 * (HEIGHT - PADDING));
    }
}
