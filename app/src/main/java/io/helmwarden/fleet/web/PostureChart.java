package io.helmwarden.fleet.web;

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

    /** The shortest time axis: a handful of samples minutes apart still spread across the chart. */
    static final Duration MINIMUM_SPAN = Duration.ofHours(1);

    /**
     * The axis runs from the oldest sample (at most {@code window} back, at least {@link #MINIMUM_SPAN}) to
     * now, so a young installation's few samples are not a smear of dots at the right edge.
     */
    static PostureChart of(List<List<PostureHistory.Sample>> perCluster, List<String> names, Instant now,
            Duration window) {
        Instant oldest = perCluster.stream().flatMap(List::stream).filter(s -> s.score() != null)
                .map(PostureHistory.Sample::takenAt).min(Instant::compareTo).orElse(now.minus(window));
        Instant from = oldest.isBefore(now.minus(window)) ? now.minus(window)
                : oldest.isAfter(now.minus(MINIMUM_SPAN)) ? now.minus(MINIMUM_SPAN) : oldest;
        double span = Duration.between(from, now).toMillis();
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

    /** "the last 7 days", "the last 5 hours": what the time axis covers, in words. */
    public String covers() {
        Duration span = Duration.between(from, to);
        long hours = Math.max(1, Math.round(span.toMinutes() / 60.0));
        return hours < 48 ? "the last " + hours + (hours == 1 ? " hour" : " hours")
                : "the last " + Math.round(hours / 24.0) + " days";
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
