package io.helmwarden.web;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;

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

    @Autowired
    protected Visibility visibility;

    /** The mocked fleet answers for a viewer as the real one does: through the real visibility rule. */
    @BeforeEach
    void fleetIsCutByTheRealRule() {
        when(fleet.visibleTo(any())).thenAnswer(call -> FleetViews.of(fleet, registry, visibility, call.getArgument(0)));
    }

    protected static RequestPostProcessor admin() {
        return oidcLogin().authorities(new SimpleGrantedAuthority(Role.PLATFORM_ADMIN.authority()));
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
