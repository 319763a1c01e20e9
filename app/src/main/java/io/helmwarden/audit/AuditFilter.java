package io.helmwarden.audit;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What part of the log to show or export. Empty fields match everything; actor and action match a part of
 * the value, case-insensitively (the actor by subject or by the name people see), the others exactly;
 * {@code visibleTeams} null means the viewer sees every entry, otherwise only entries about those teams.
 */
public record AuditFilter(String actor, String team, String cluster, String action, String outcome, Instant from,
        Instant to, Set<String> visibleTeams) {

    void appendTo(StringBuilder sql, List<Object> params) {
        if (actor != null && !actor.isBlank()) {
            sql.append(" AND (LOWER(actor_subject) LIKE ? ESCAPE '!' OR LOWER(actor_name) LIKE ? ESCAPE '!')");
            params.add(containing(actor));
            params.add(containing(actor));
        }
        if (team != null && !team.isBlank()) {
            sql.append(" AND (team = ? OR concerns LIKE ?)");
            params.add(team.strip());
            params.add("%|" + team.strip() + "|%");
        }
        equal(sql, params, "target_cluster", cluster);
        if (action != null && !action.isBlank()) {
            sql.append(" AND LOWER(action) LIKE ? ESCAPE '!'");
            params.add(containing(action));
        }
        equal(sql, params, "outcome", outcome);
        if (from != null) {
            sql.append(" AND occurred_at >= ?");
            params.add(java.sql.Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" AND occurred_at < ?");
            params.add(java.sql.Timestamp.from(to));
        }
        if (visibleTeams != null) {
            if (visibleTeams.isEmpty()) {
                sql.append(" AND 1 = 0");
            } else {
                // The target's team, or a team the entry concerns (a write aimed at its namespaces).
                sql.append(" AND (team IN (").append(String.join(", ", visibleTeams.stream().map(t -> "?").toList()))
                        .append(")");
                params.addAll(visibleTeams);
                for (String visible : visibleTeams) {
                    sql.append(" OR concerns LIKE ?");
                    params.add("%|" + visible + "|%");
                }
                sql.append(")");
            }
        }
    }

    /** A LIKE pattern for "contains", with the person's own % and _ taken literally. */
    private static String containing(String value) {
        return "%" + value.strip().toLowerCase().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    private static void equal(StringBuilder sql, List<Object> params, String column, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" AND ").append(column).append(" = ?");
            params.add(value.strip());
        }
    }
}
