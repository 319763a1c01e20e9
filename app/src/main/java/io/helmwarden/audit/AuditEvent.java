package io.helmwarden.audit;

import java.util.Collection;
import java.util.List;

/**
 * What happened, as the code that saw it reports it; the audit log adds time, order and hashes.
 *
 * @param concerns other teams whose namespaces the action touched or aimed at (they see the entry too)
 * @param details  free text or JSON for people (never secret values)
 */
public record AuditEvent(String actorSubject, String actorName, String actorRoles, String action,
        AuditEntry.Outcome outcome, String team, List<String> concerns, String targetCluster, String targetNamespace,
        String targetObject, String details) {

    public static AuditEvent by(Actor actor, AuditAction action, AuditEntry.Outcome outcome) {
        return new AuditEvent(actor.subject(), actor.name(), actor.roles(), action.id(), outcome, null, List.of(), null, null,
                null, null);
    }

    public AuditEvent target(String team, String cluster, String namespace, String object) {
        return new AuditEvent(actorSubject, actorName, actorRoles, action, outcome, team, concerns, cluster, namespace,
                object, details);
    }

    /** Other teams this concerns; the target's own team and duplicates are left out. */
    public AuditEvent alsoConcerning(Collection<String> teams) {
        List<String> others = teams.stream().filter(other -> other != null && !other.equals(team)).distinct().sorted()
                .toList();
        return new AuditEvent(actorSubject, actorName, actorRoles, action, outcome, team, others, targetCluster,
                targetNamespace, targetObject, details);
    }

    public AuditEvent details(String text) {
        return new AuditEvent(actorSubject, actorName, actorRoles, action, outcome, team, concerns, targetCluster,
                targetNamespace, targetObject, text);
    }

    /**
     * Who acted: subject (the provider's stable id), display name and roles, and how clusters' API servers know
     * them (their user name and groups there, empty when not known: Helm Warden itself, or no such claim).
     */
    public record Actor(String subject, String name, String roles, String clusterUser, List<String> clusterGroups) {

        public Actor {
            clusterGroups = clusterGroups == null ? List.of() : List.copyOf(clusterGroups);
        }

        /** Someone no cluster knows by name (Helm Warden's own jobs, anonymous requests, tests). */
        public Actor(String subject, String name, String roles) {
            this(subject, name, roles, null, List.of());
        }
    }
}
