package io.helmwarden.web;

import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.stereotype.Component;

/** Sign-in, failed sign-in and sign-out, as Spring Security reports them, into the audit log. */
@Component
class SecurityAuditListener {

    private final AuditLog audit;

    SecurityAuditListener(AuditLog audit) {
        this.audit = audit;
    }

    @EventListener
    void signedIn(InteractiveAuthenticationSuccessEvent event) {
        audit.append(AuditEvent.by(Audits.actor(event.getAuthentication()), "sign-in", AuditEntry.Outcome.SUCCESS));
    }

    @EventListener
    void signInFailed(AbstractAuthenticationFailureEvent event) {
        audit.append(AuditEvent.by(Audits.actor(null), "sign-in", AuditEntry.Outcome.FAILURE)
                .details(event.getException().getClass().getSimpleName() + ": " + event.getException().getMessage()));
    }

    @EventListener
    void signedOut(LogoutSuccessEvent event) {
        audit.append(AuditEvent.by(Audits.actor(event.getAuthentication()), "sign-out", AuditEntry.Outcome.SUCCESS));
    }
}
