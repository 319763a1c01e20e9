package io.helmwarden.web;

import io.helmwarden.audit.AuditFilter;
import io.helmwarden.tenancy.Visibility;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * The audit page's filters, from the query string. Dates are whole UTC days ({@code to} inclusive); a date
 * that does not parse filters nothing. Team leads are held to their own teams whatever they ask for.
 */
public record AuditFilterFormData(String actor, String team, String cluster, String action, String outcome,
        String from, String to) {

    public AuditFilterFormData {
        actor = clean(actor);
        team = clean(team);
        cluster = clean(cluster);
        action = clean(action);
        outcome = clean(outcome).toUpperCase();
        from = clean(from);
        to = clean(to);
    }

    /** @param audited the teams the viewer reviews, empty for all ({@link Visibility#auditedTeams}) */
    AuditFilter toFilter(Optional<Set<String>> audited) {
        Set<String> visible = audited.orElse(null);
        return new AuditFilter(actor, team, cluster, action, outcome,
                day(from) == null ? null : day(from).atStartOfDay().toInstant(ZoneOffset.UTC),
                day(to) == null ? null : day(to).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC), visible);
    }

    private static LocalDate day(String value) {
        try {
            return value.isEmpty() ? null : LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String clean(String value) {
        if (value == null) {
            return "";
        }
        String trimmed = value.strip();
        return trimmed.length() > 200 ? trimmed.substring(0, 200) : trimmed;
    }
}
