package io.helmwarden.web;

import io.helmwarden.audit.AuditEvent;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.RoleMapper;
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
        String clusterUser = null;
        java.util.List<String> clusterGroups = new java.util.ArrayList<>();
        for (var authority : authentication.getAuthorities()) {
            String value = authority.getAuthority();
            if (value.startsWith(RoleMapper.CLUSTER_USER_PREFIX)) {
                clusterUser = value.substring(RoleMapper.CLUSTER_USER_PREFIX.length());
            } else if (value.startsWith(RoleMapper.CLUSTER_GROUP_PREFIX)) {
                clusterGroups.add(value.substring(RoleMapper.CLUSTER_GROUP_PREFIX.length()));
            }
        }
        clusterGroups.sort(null);
        return new AuditEvent.Actor(subject, name, roles.isEmpty() ? null : roles, clusterUser, clusterGroups);
    }
}
