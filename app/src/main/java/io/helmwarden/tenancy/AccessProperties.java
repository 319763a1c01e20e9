package io.helmwarden.tenancy;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How people's roles come from their identity provider ({@code helmwarden.access}): the ID-token claim that
 * lists their groups, and which groups make platform admins and auditors. Team leads and members come from
 * the teams' {@code lead-groups} and {@code member-groups}. How clusters know the same person, for acting as
 * them: the claim their API servers take the user name from, and the prefixes they add to user names and groups
 * (their {@code --oidc-username-claim}, {@code --oidc-username-prefix}, {@code --oidc-groups-prefix}).
 */
@ConfigurationProperties("helmwarden.access")
public record AccessProperties(@DefaultValue("groups") String groupsClaim,
        @DefaultValue List<String> platformAdminGroups, @DefaultValue List<String> auditorGroups,
        @DefaultValue("email") String clusterUsernameClaim, @DefaultValue("") String clusterUsernamePrefix,
        @DefaultValue("") String clusterGroupsPrefix) {
}
