package io.helmwarden.fleet.web;

import io.helmwarden.check.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Open findings by severity as horizontal bars, laid out here and drawn as inline SVG by the template. */
record SeverityChart(List<Bar> bars, int width) {

    static final int LABEL_WIDTH = 80;
    static final int BAR_AREA = 320;
    static final int BAR_HEIGHT = 22;

    record Bar(String label, String tone, long count, int y, int length) {
    }

    static SeverityChart of(Map<Severity, Long> counts) {
        long max = Math.max(1, counts.values().stream().mapToLong(Long::longValue).max().orElse(1));
        List<Bar> bars = new ArrayList<>();
        int y = 0;
        for (Severity severity : FleetFilterFormData.severities()) {
            long count = counts.getOrDefault(severity, 0L);
            bars.add(new Bar(severity.label(), severity.name().toLowerCase(), count, y,
                    (int) Math.round((double) count / max * BAR_AREA)));
            y += BAR_HEIGHT + 6;
        }
        return new SeverityChart(bars, LABEL_WIDTH + BAR_AREA + 40);
    }

    public int height() {
        return bars.size() * (BAR_HEIGHT + 6);
    }
}
