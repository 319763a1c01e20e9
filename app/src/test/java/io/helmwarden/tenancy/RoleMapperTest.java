package io.helmwarden.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;

class RoleMapperTest {

    static final Teams TEAMS = new Teams(List.of(
            new Team("payments", "Payments", List.of("team-payments"), List.of("team-payments-leads"),
                    Map.of("prod", List.of("payments"))),
            new Team("search", "Search", List.of("team-search"), List.of("team-search-leads"), Map.of())));
    static final RoleMapper MAPPER = new RoleMapper(
            new AccessProperties("groups", List.of("warden-admins"), List.of("warden-auditors"), "email", "oidc:", "oidc:"),
            TEAMS);

    static Viewer viewerWith(String... groups) {
        var token = OidcIdToken.withTokenValue("token").subject("someone").claim("groups", List.of(groups)).build();
        var mapped = MAPPER.mapAuthorities(List.of(new OidcUserAuthority(token)));
        return Viewer.of(new TestingAuthenticationToken("someone", null, List.copyOf(mapped)));
    }

    @Test
    void groupsInTheIdTokenBecomeRolesAndTeams() {
        Viewer lead = viewerWith("team-payments-leads", "unrelated");
        assertThat(lead.roles()).containsExactlyInAnyOrder(Role.TEAM_LEAD, Role.TEAM_MEMBER);
        assertThat(lead.teams()).containsExactly("payments");
        assertThat(lead.leads()).containsExactly("payments");
        assertThat(lead.seesEverything()).isFalse();
        assertThat(new Visibility(new Teams(java.util.List.of())).maySeeOwnedBy(lead, java.util.Optional.of("payments"))).isTrue();
        assertThat(new Visibility(new Teams(java.util.List.of())).maySeeOwnedBy(lead, java.util.Optional.of("search"))).isFalse();
        assertThat(new Visibility(new Teams(java.util.List.of())).maySeeOwnedBy(lead, java.util.Optional.empty())).as("unowned Tillers are for admins").isFalse();
        assertThat(lead.describe()).isEqualTo("Team lead · payments");

        Viewer member = viewerWith("team-search");
        assertThat(member.roles()).containsExactly(Role.TEAM_MEMBER);
        assertThat(member.leads()).isEmpty();
    }

    @Test
    void adminsAndAuditorsSeeEverythingAndNoGroupMeansNoRole() {
        assertThat(viewerWith("warden-admins").seesEverything()).isTrue();
        assertThat(viewerWith("warden-auditors").roles()).containsExactly(Role.AUDITOR);
        assertThat(viewerWith("marketing").roles()).isEmpty();
        assertThat(viewerWith().roles()).isEmpty();
    }

    @Test
    void clustersKnowThePersonByTheConfiguredClaimWithTheApiServersPrefixes() {
        var token = OidcIdToken.withTokenValue("t").subject("opaque-id").claim("email", "lena@example.com")
                .claim("email_verified", true).claim("groups", List.of("team-payments-leads", "developers")).build();
        var authentication = new TestingAuthenticationToken("opaque-id", null,
                List.copyOf(MAPPER.mapAuthorities(List.of(new OidcUserAuthority(token)))));
        var actor = io.helmwarden.web.Audits.actor(authentication);
        assertThat(actor.clusterUser()).isEqualTo("oidc:lena@example.com");
        assertThat(actor.clusterGroups()).containsExactly("oidc:developers", "oidc:team-payments-leads");
        assertThat(Viewer.of(authentication).roles()).as("the cluster identity grants no role")
                .containsExactlyInAnyOrder(Role.TEAM_LEAD, Role.TEAM_MEMBER);

        var withoutEmail = OidcIdToken.withTokenValue("t").subject("x").claim("groups", List.of("developers")).build();
        assertThat(io.helmwarden.web.Audits.actor(new TestingAuthenticationToken("x", null,
                List.copyOf(MAPPER.mapAuthorities(List.of(new OidcUserAuthority(withoutEmail))))))
                .clusterUser()).as("no claim, no cluster identity").isNull();

        var unverified = OidcIdToken.withTokenValue("t").subject("x").claim("email", "admin@example.com")
                .claim("email_verified", false).build();
        assertThat(io.helmwarden.web.Audits.actor(new TestingAuthenticationToken("x", null,
                List.copyOf(MAPPER.mapAuthorities(List.of(new OidcUserAuthority(unverified))))))
                .clusterUser()).as("an unverified email names nobody, as on the API server").isNull();
    }

    @Test
    void noPersonIsImpersonatedAsOneOfTheApiServersOwnIdentities() {
        var identity = io.helmwarden.cluster.ClusterIdentity.of("lena@example.com",
                List.of("developers", "system:masters", "ops\nsystem:masters"));
        assertThat(identity).hasValueSatisfying(person -> assertThat(person.groups()).containsExactly("developers"));
        assertThat(io.helmwarden.cluster.ClusterIdentity.of("system:serviceaccount:kube-system:tiller", List.of()))
                .isEmpty();
        assertThat(io.helmwarden.cluster.ClusterIdentity.of("lena\n@example.com", List.of())).isEmpty();
    }

    @Test
    void onlyTheConfiguredClaimCounts() {
        var token = OidcIdToken.withTokenValue("t").subject("x").claim("roles", List.of("warden-admins")).build();
        Set<? extends GrantedAuthority> mapped = Set.copyOf(MAPPER.mapAuthorities(List.of(new OidcUserAuthority(token))));
        assertThat(mapped).isEmpty();
    }
}
