package io.helmwarden.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One audit log entry. {@code hash} is HMAC-SHA-256 (under {@link AuditChainKey}) over the entry's content
 * and {@code prevHash}, the hash of the entry before it: changing, removing or reordering any entry breaks
 * the chain from there on, and without the key nobody can compute a matching hash for a changed entry.
 *
 * @param team     the team owning the target, when it has one (team leads see their teams' entries)
 * @param concerns other teams the action concerns, as {@code |a|b|} (their leads see the entry too), or null
 */
public record AuditEntry(long seq, Instant occurredAt, String actorSubject, String actorName, String actorRoles,
        String action, Outcome outcome, String team, String concerns, String targetCluster, String targetNamespace,
        String targetObject, String details, String prevHash, String hash) {

    public enum Outcome { SUCCESS, DENIED, FAILURE }

    /** The text the hash is taken over: each field length-prefixed, so no two entries share a canonical form. */
    String canonical() {
        return Stream.of(Long.toString(seq), occurredAt.truncatedTo(ChronoUnit.MICROS).toString(),
                        actorSubject, actorName, actorRoles, action, outcome.name(), team, concerns, targetCluster,
                        targetNamespace, targetObject, details, prevHash)
                .map(value -> value == null ? "-1:" : value.length() + ":" + value)
                .collect(Collectors.joining("|"));
    }

    /** The teams the entry concerns besides {@link #team()}. */
    public List<String> concernedTeams() {
        return concerns == null ? List.of()
                : Arrays.stream(concerns.split("\\|")).filter(team -> !team.isEmpty()).toList();
    }

    /** {@code |a|b|} for a column that a LIKE '%|a|%' finds, or null for none. */
    static String concerns(List<String> teams) {
        return teams == null || teams.isEmpty() ? null : "|" + String.join("|", teams) + "|";
    }

    /** "prod-eu/payments-tiller/tiller-deploy", or what of it is known. */
    public String target() {
        return Stream.of(targetCluster, targetNamespace, targetObject).filter(part -> part != null && !part.isEmpty())
                .collect(Collectors.joining("/"));
    }
}
