package io.helmwarden.audit;

/**
 * What happened, as the code that saw it reports it; the audit log adds time, order and hashes.
 *
 * @param details free text or JSON for people (never secret values)
 */
public record AuditEvent(String actorSubject, String actorName, String actorRoles, String action,
        AuditEntry.Outcome outcome, String team, String targetCluster, String targetNamespace, String targetObject,
        String details) {

    public static AuditEvent by(Actor actor, String action, AuditEntry.Outcome outcome) {
        return new AuditEvent(actor.subject(), actor.name(), actor.roles(), action, outcome, null, null, null, null,
                null);
    }

    public AuditEvent target(String team, String cluster, String namespace, String object) {
        return new AuditEvent(actorSubject, actorName, actorRoles, action, outcome, team, cluster, namespace, object,
                details);
    }

    public AuditEvent details(String text) {
        return new AuditEvent(actorSubject, actorName, actorRoles, action, outcome, team, targetCluster,
                targetNamespace, targetObject, text);
    }

    /** Who acted: subject (the provider's stable id), display name and roles. */
    public record Actor(String subject, String name, String roles) {
    }
}
