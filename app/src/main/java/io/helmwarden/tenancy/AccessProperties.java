package io.helmwarden.tenancy;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How people's roles come from their identity provider ({@code helmwarden.access}): the ID-token claim that
 * lists their groups, and which groups make platform admins and auditors. Team leads and members come from
 * the teams' {@code lead-groups} and {@code member-groups}.
 */
@ConfigurationProperties("helmwarden.access")
public record AccessProperties(@DefaultValue("groups") String groupsClaim,
        @DefaultValue List<String> platformAdminGroups, @DefaultValue List<String> auditorGroups) {
}
