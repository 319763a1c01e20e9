package io.helmwarden.web;

import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.stereotype.Component;

/**
 * Sign-in and sign-out, as Spring Security reports them, into the audit log. Failed sign-ins are audited by
 * the sign-in's failure handler ({@link WebSecurityConfiguration}): OAuth 2 login publishes no failure event.
 */
@Component
class SecurityAuditListener {

    private final AuditLog audit;

    SecurityAuditListener(AuditLog audit) {
        this.audit = audit;
    }

    @EventListener
    void signedIn(InteractiveAuthenticationSuccessEvent event) {
        audit.append(AuditEvent.by(Audits.actor(event.getAuthentication()), AuditAction.SIGN_IN, AuditEntry.Outcome.SUCCESS));
    }

    @EventListener
    void signedOut(LogoutSuccessEvent event) {
        audit.append(AuditEvent.by(Audits.actor(event.getAuthentication()), AuditAction.SIGN_OUT, AuditEntry.Outcome.SUCCESS));
    }
}
