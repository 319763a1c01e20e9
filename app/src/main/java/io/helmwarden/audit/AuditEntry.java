package io.helmwarden.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One audit log entry. {@code hash} is SHA-256 over the entry's content and {@code prevHash}, the hash of
 * the entry before it: changing, removing or reordering any entry breaks the chain from there on.
 *
 * @param team the team owning the target, when it has one (team leads see their teams' entries)
 */
public record AuditEntry(long seq, Instant occurredAt, String actorSubject, String actorName, String actorRoles,
        String action, Outcome outcome, String team, String targetCluster, String targetNamespace, String targetObject,
        String details, String prevHash, String hash) {

    public enum Outcome { SUCCESS, DENIED, FAILURE }

    /** The hash this entry must carry, given the hash before it. */
    static String hashOf(long seq, Instant occurredAt, String actorSubject, String actorName, String actorRoles,
            String action, Outcome outcome, String team, String targetCluster, String targetNamespace,
            String targetObject, String details, String prevHash) {
        // Each field length-prefixed, so no two different entries share a canonical form.
        String canonical = Stream.of(Long.toString(seq), occurredAt.truncatedTo(ChronoUnit.MICROS).toString(),
                        actorSubject, actorName, actorRoles, action, outcome.name(), team, targetCluster,
                        targetNamespace, targetObject, details, prevHash)
                .map(value -> value == null ? "-1:" : value.length() + ":" + value)
                .collect(Collectors.joining("|"));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    String expectedHash() {
        return hashOf(seq, occurredAt, actorSubject, actorName, actorRoles, action, outcome, team, targetCluster,
                targetNamespace, targetObject, details, prevHash);
    }

    /** "prod-eu/payments-tiller/tiller-deploy", or what of it is known. */
    public String target() {
        return Stream.of(targetCluster, targetNamespace, targetObject).filter(part -> part != null && !part.isEmpty())
                .collect(Collectors.joining("/"));
    }
}
