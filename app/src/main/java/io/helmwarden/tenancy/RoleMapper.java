package io.helmwarden.tenancy;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.core.user.OAuth2UserAuthority;
import org.springframework.stereotype.Component;

/**
 * Turns the groups in a person's ID token into Helm Warden's roles and teams, at sign-in: authorities
 * {@code ROLE_*} (see {@link Role}), {@code TEAM_<id>} for each team they belong to and {@code LEAD_<id>} for
 * each team they lead. Nothing else from the provider grants anything.
 */
@Component
public class RoleMapper implements GrantedAuthoritiesMapper {

    public static final String TEAM_PREFIX = "TEAM_";
    public static final String LEAD_PREFIX = "LEAD_";
    /** How the person's clusters know them (see {@link AccessProperties}): their user name, and each group. */
    public static final String CLUSTER_USER_PREFIX = "CLUSTER_USER:";
    public static final String CLUSTER_GROUP_PREFIX = "CLUSTER_GROUP:";

    private final AccessProperties access;
    private final Teams teams;

    RoleMapper(AccessProperties access, Teams teams) {
        this.access = access;
        this.teams = teams;
    }

    @Override
    public Collection<? extends GrantedAuthority> mapAuthorities(Collection<? extends GrantedAuthority> authorities) {
        Set<String> groups = new HashSet<>();
        String clusterUser = null;
        for (GrantedAuthority authority : authorities) {
            if (authority instanceof OAuth2UserAuthority user) {
                if (user.getAttributes().get(access.groupsClaim()) instanceof Collection<?> claimed) {
                    claimed.forEach(group -> groups.add(String.valueOf(group)));
                }
                // As the API server does: an email names a user only when the provider verified it.
                boolean unverifiedEmail = "email".equals(access.clusterUsernameClaim())
                        && !Boolean.TRUE.equals(user.getAttributes().get("email_verified"));
                if (user.getAttributes().get(access.clusterUsernameClaim()) instanceof String name && !name.isBlank()
                        && !unverifiedEmail) {
                    clusterUser = name;
                }
            }
        }
        Set<GrantedAuthority> mapped = authoritiesFor(groups);
        if (clusterUser != null) {
            mapped.add(new SimpleGrantedAuthority(CLUSTER_USER_PREFIX + access.clusterUsernamePrefix() + clusterUser));
            groups.forEach(group -> mapped.add(new SimpleGrantedAuthority(
                    CLUSTER_GROUP_PREFIX + access.clusterGroupsPrefix() + group)));
        }
        return mapped;
    }

    /** The authorities a person with these groups holds. */
    public Set<GrantedAuthority> authoritiesFor(Set<String> groups) {
        Set<GrantedAuthority> mapped = new HashSet<>();
        if (access.platformAdminGroups().stream().anyMatch(groups::contains)) {
            mapped.add(new SimpleGrantedAuthority(Role.PLATFORM_ADMIN.authority()));
        }
        if (access.auditorGroups().stream().anyMatch(groups::contains)) {
            mapped.add(new SimpleGrantedAuthority(Role.AUDITOR.authority()));
        }
        for (Team team : teams.teams()) {
            boolean lead = team.leadGroups().stream().anyMatch(groups::contains);
            boolean member = lead || team.memberGroups().stream().anyMatch(groups::contains);
            if (lead) {
                mapped.add(new SimpleGrantedAuthority(Role.TEAM_LEAD.authority()));
                mapped.add(new SimpleGrantedAuthority(LEAD_PREFIX + team.id()));
            }
            if (member) {
                mapped.add(new SimpleGrantedAuthority(Role.TEAM_MEMBER.authority()));
                mapped.add(new SimpleGrantedAuthority(TEAM_PREFIX + team.id()));
            }
        }
        return mapped;
    }

    /** Every role, for access rules that admit anyone with some role. */
    public static String[] allRoles() {
        return List.of(Role.values()).stream().map(Role::name).toArray(String[]::new);
    }
}
