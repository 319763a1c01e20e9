package io.helmwarden.benchmark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median, p95 and spread of repeated measurements, as the results file prints them. */
record Stats(double median, double p95, double min, double max, int n) {

    static Stats of(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return new Stats(percentile(sorted, 50), percentile(sorted, 95), sorted.get(0), sorted.get(sorted.size() - 1),
                sorted.size());
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    String format(String unit) {
        return String.format("median %.1f %s, p95 %.1f %s (spread %.1f–%.1f, n=%d)", median, unit, p95, unit, min, max, n);
    }
}
