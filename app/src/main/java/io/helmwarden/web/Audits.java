package io.helmwarden.web;

import io.helmwarden.audit.AuditEvent;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.Viewer;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/** Who acted, for the audit log, from a signed-in person's authentication. */
public final class Audits {

    private Audits() {
    }

    public static AuditEvent.Actor actor(Authentication authentication) {
        if (authentication == null) {
            return new AuditEvent.Actor("anonymous", null, null);
        }
        String subject = authentication.getName();
        String name = null;
        if (authentication.getPrincipal() instanceof OidcUser user) {
            subject = user.getSubject();
            name = user.getFullName();
        }
        String roles = Viewer.of(authentication).roles().stream().map(Role::name).sorted()
                .collect(Collectors.joining(","));
        return new AuditEvent.Actor(subject, name, roles.isEmpty() ? null : roles);
    }
}
