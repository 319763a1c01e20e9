package io.helmwarden.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.helmwarden.audit.AuditLog;
import io.helmwarden.cluster.ClusterHealth;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.fleet.FleetViews;
import io.helmwarden.fleet.PostureHistory;
import io.helmwarden.fleet.TillerLookup;
import io.helmwarden.remediation.RemediationCatalog;
import io.helmwarden.tenancy.AccessProperties;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.RoleMapper;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Visibility;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * What the @WebMvcTest slices share: the real security configuration and role mapping, an OIDC client
 * registration that is never called, and mocks of what pages read (clusters, their health, the fleet, posture
 * history) and write (the audit log).
 */
@Import({WebSecurityConfiguration.class, RoleMapper.class, ObjectAccess.class, AnonymousRefusals.class,
        Visibility.class, TillerLookup.class, RemediationCatalog.class, WebSliceTest.Registrations.class})
@EnableConfigurationProperties({Teams.class, AccessProperties.class})
public abstract class WebSliceTest {

    @Autowired
    protected MockMvc mvc;

    @MockitoBean
    protected ClusterRegistry registry;

    @MockitoBean
    protected ClusterHealth health;

    @MockitoBean
    protected FleetState fleet;

    @MockitoBean
    protected PostureHistory history;

    @MockitoBean
    protected AuditLog audit;

    /** No conversion to Helm 3 unless a test says so. */
    @MockitoBean
    protected io.helmwarden.fleet.ConvertedReleases convertedReleases;

    @Autowired
    protected Visibility visibility;

    /** The mocked fleet answers for a viewer as the real one does: through the real visibility rule. */
    @BeforeEach
    void fleetIsCutByTheRealRule() {
        when(fleet.visibleTo(any())).thenAnswer(call -> FleetViews.of(fleet, registry, visibility, call.getArgument(0)));
    }

    protected static RequestPostProcessor member(String team) {
        return oidcLogin().authorities(new SimpleGrantedAuthority(Role.TEAM_MEMBER.authority()),
                new SimpleGrantedAuthority(RoleMapper.TEAM_PREFIX + team));
    }

    protected static RequestPostProcessor lead(String team) {
        return oidcLogin().authorities(new SimpleGrantedAuthority(Role.TEAM_LEAD.authority()),
                new SimpleGrantedAuthority(Role.TEAM_MEMBER.authority()),
                new SimpleGrantedAuthority(RoleMapper.LEAD_PREFIX + team),
                new SimpleGrantedAuthority(RoleMapper.TEAM_PREFIX + team));
    }

    /** A page as a browser asks for it, answered with this status (the body is shown when it is not). */
    protected String body(String url, RequestPostProcessor who, int status) throws Exception {
        MockHttpServletResponse response = mvc.perform(get(url).accept(MediaType.TEXT_HTML).with(who)).andReturn()
                .getResponse();
        assertThat(response.getStatus()).as(response.getContentAsString(StandardCharsets.UTF_8)).isEqualTo(status);
        return response.getContentAsString(StandardCharsets.UTF_8);
    }

    /** The text of the first element the opening tag matches, as a person reads it. */
    protected static String text(String html, String openingTag, String tag) {
        Matcher matcher = Pattern.compile(openingTag + "(.*?)</" + tag + ">", Pattern.DOTALL).matcher(html);
        return matcher.find() ? matcher.group(1).replaceAll("<[^>]+>", "").replaceAll("\\s+", " ").strip() : null;
    }

    protected static String heading(String html) {
        return text(html, "<h1[^>]*>", "h1");
    }

    protected static String breadcrumbs(String html) {
        return text(html, "<nav[^>]*aria-label=\"Breadcrumbs\"[^>]*>", "nav");
    }

    /** Each response carries its own CSRF token (in the sign-out form): everything else must be the same. */
    protected static String withoutCsrf(String html) {
        return html.replaceAll("name=\"_csrf\" value=\"[^\"]*\"", "");
    }

    /**
     * A Tiller as discovery finds it on cluster "lab" at that time: {@code helm init}'s Deployment in the namespace,
     * with these release records, judged by the catalog (no findings when there is none).
     */
    protected static io.helmwarden.fleet.ClusterInventory.TillerState tillerState(String namespace, Teams teams,
            io.helmwarden.check.CheckCatalog catalog, java.time.Instant at,
            java.util.List<io.fabric8.kubernetes.api.model.ConfigMap> records) {
        var snapshot = new io.helmwarden.cluster.ClusterSnapshot("lab", at, true, java.util.Map.of(), java.util.List.of(),
                java.util.List.of(new io.helmwarden.helminit.HelmInit(namespace).deployment()), java.util.List.of(),
                java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of(),
                java.util.List.of(), java.util.List.of(), records, java.util.List.of());
        var tiller = io.helmwarden.inventory.TillerDiscovery.discover(snapshot, new io.helmwarden.rbac.RbacPolicy(
                java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of()), teams,
                key -> java.util.Optional.empty()).get(0);
        var findings = catalog == null ? java.util.List.<io.helmwarden.check.Finding>of()
                : new io.helmwarden.check.CheckEngine(catalog, new io.helmwarden.check.CheckPolicy(java.util.Map.of(),
                        java.util.List.of(), java.time.Duration.ofDays(30), ""), teams).evaluate(tiller, at);
        return new io.helmwarden.fleet.ClusterInventory.TillerState(tiller, findings,
                io.helmwarden.check.Posture.ofTiller(findings));
    }

    protected static RequestPostProcessor admin() {
        return oidcLogin().authorities(new SimpleGrantedAuthority(Role.PLATFORM_ADMIN.authority()));
    }

    /** The real check catalog, from {@code config/checks}, for slices that render findings. */
    @TestConfiguration
    public static class RealCheckCatalog {
        @Bean
        io.helmwarden.check.CheckCatalog checkCatalog() {
            return new io.helmwarden.check.CheckCatalog(new io.helmwarden.check.CheckPolicy(java.util.Map.of(),
                    java.util.List.of(), java.time.Duration.ofDays(30), "../config/checks"));
        }
    }

    @TestConfiguration
    static class Registrations {
        @Bean
        ClientRegistrationRepository clientRegistrations() {
            return new InMemoryClientRegistrationRepository(ClientRegistration.withRegistrationId("test")
                    .clientId("helm-warden").authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                    .authorizationUri("https://idp.example/authorize").tokenUri("https://idp.example/token")
                    .build());
        }
    }
}
