package io.helmwarden.tenancy;

import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The signed-in person as authorization sees them: roles and teams from {@link RoleMapper}. Every page and
 * API answer is cut to what the viewer may see, on the server.
 */
public record Viewer(String name, Set<Role> roles, Set<String> teams, Set<String> leads) {

    public static Viewer of(Authentication authentication) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Set<String> teams = new TreeSet<>();
        Set<String> leads = new TreeSet<>();
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            String value = authority.getAuthority();
            for (Role role : Role.values()) {
                if (role.authority().equals(value)) {
                    roles.add(role);
                }
            }
            if (value.startsWith(RoleMapper.TEAM_PREFIX)) {
                teams.add(value.substring(RoleMapper.TEAM_PREFIX.length()));
            } else if (value.startsWith(RoleMapper.LEAD_PREFIX)) {
                leads.add(value.substring(RoleMapper.LEAD_PREFIX.length()));
            }
        }
        return new Viewer(authentication.getName(), roles, teams, leads);
    }

    /** Platform admins and auditors see the whole fleet. */
    public boolean seesEverything() {
        return roles.contains(Role.PLATFORM_ADMIN) || roles.contains(Role.AUDITOR);
    }


    /** "Platform admin", or "Team lead · payments", for the page header. */
    public String describe() {
        String roleNames = roles.stream().map(Role::label).filter(label -> !(roles.contains(Role.TEAM_LEAD)
                && label.equals(Role.TEAM_MEMBER.label()))).collect(Collectors.joining(", "));
        return teams.isEmpty() ? roleNames : roleNames + " · " + String.join(", ", teams);
    }
}
