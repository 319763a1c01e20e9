package io.helmwarden.fleet.web;

import io.helmwarden.check.Finding;
import io.helmwarden.check.Severity;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The Fleet table's search, filters and sort, bound from the query string so that a view can be bookmarked
 * and shared. Unknown values filter nothing rather than failing; overlong input is cut.
 *
 * @param severity show Tillers with at least one open finding of this severity
 * @param check    show Tillers with an open finding of this check
 * @param sort     score (worst first, the default), name, cluster, team or findings
 */
public record FleetFilterFormData(String q, String cluster, String team, String severity, String check, String sort) {

    private static final int MAX_LENGTH = 200;

    public FleetFilterFormData {
        q = clean(q);
        cluster = clean(cluster);
        team = clean(team);
        severity = clean(severity);
        check = clean(check);
        sort = clean(sort).isEmpty() ? "score" : clean(sort);
    }

    public static FleetFilterFormData none() {
        return new FleetFilterFormData("", "", "", "", "", "score");
    }

    private static String clean(String value) {
        if (value == null) {
            return "";
        }
        String trimmed = value.strip();
        return trimmed.length() > MAX_LENGTH ? trimmed.substring(0, MAX_LENGTH) : trimmed;
    }

    List<TillerRow> apply(List<TillerRow> rows) {
        return rows.stream().filter(this::matches).sorted(order()).toList();
    }

    boolean matches(TillerRow row) {
        var tiller = row.tiller();
        List<Finding> open = row.state().findings().stream().filter(finding -> !finding.exempt()).toList();
        String needle = q.toLowerCase(Locale.ROOT);
        return (q.isEmpty() || (tiller.namespace() + "/" + tiller.name() + " " + tiller.image() + " "
                        + tiller.team().orElse("unowned")).toLowerCase(Locale.ROOT).contains(needle))
                && (cluster.isEmpty() || cluster.equals(tiller.cluster()))
                && (team.isEmpty() || team.equals(tiller.team().orElse("unowned")))
                && (severity.isEmpty() || open.stream().anyMatch(f -> f.severity().name().equalsIgnoreCase(severity)))
                && (check.isEmpty() || open.stream().anyMatch(f -> f.checkId().equals(check)));
    }

    private Comparator<TillerRow> order() {
        Comparator<TillerRow> byName = Comparator.comparing(row -> row.tiller().id());
        return switch (sort) {
            case "name" -> Comparator.comparing((TillerRow row) -> row.tiller().namespace() + "/"
                    + row.tiller().name()).thenComparing(byName);
            case "cluster" -> Comparator.comparing((TillerRow row) -> row.tiller().cluster())
                    .thenComparing(byName);
            case "team" -> Comparator.comparing((TillerRow row) -> row.tiller().team().orElse("~"))
                    .thenComparing(byName);
            case "findings" -> Comparator.comparingLong((TillerRow row) -> -row.state().openFindings())
                    .thenComparing(byName);
            default -> Comparator.comparingInt((TillerRow row) -> row.state().score()).thenComparing(byName);
        };
    }

    public boolean active() {
        return !(q.isEmpty() && cluster.isEmpty() && team.isEmpty() && severity.isEmpty() && check.isEmpty());
    }

    static List<Severity> severities() {
        return List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW);
    }
}
