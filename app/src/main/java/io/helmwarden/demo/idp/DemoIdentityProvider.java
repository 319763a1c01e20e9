package io.helmwarden.demo.idp;

import io.helmwarden.demo.DemoProperties;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The demo's sign-in provider: Spring Authorization Server with the demo accounts, in a context of its own
 * (started by {@link DemoIdentityProviderLauncher}) so none of its beans or sessions mix with the app's.
 * Real password, client and redirect checks; the login is the real authorization-code flow.
 */
// Deliberately not a @Configuration: the app's component scan must never pick the provider up.
@ImportAutoConfiguration({
        PropertyPlaceholderAutoConfiguration.class,
        ConfigurationPropertiesAutoConfiguration.class,
        TomcatServletWebServerAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class,
        WebMvcAutoConfiguration.class,
        HttpMessageConvertersAutoConfiguration.class,
        JacksonAutoConfiguration.class,
        SecurityAutoConfiguration.class,
        ServletWebSecurityAutoConfiguration.class,
        SecurityFilterAutoConfiguration.class,
        OAuth2AuthorizationServerAutoConfiguration.class,
        OAuth2AuthorizationServerJwtAutoConfiguration.class})
class DemoIdentityProvider {

    @Bean
    UserDetailsService demoUsers(DemoProperties demo) {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new InMemoryUserDetailsManager(demo.accounts().stream()
                .map(account -> User.withUsername(account.username())
                        .password(encoder.encode(account.password()))
                        .authorities(account.groups().stream().map(SimpleGrantedAuthority::new).toList())
                        .build())
                .toList());
    }

    /**
     * The app, registered with real redirect checks: any port on 127.0.0.1 for the sign-in callback (RFC
     * 8252 loopback redirects), and the app's own signed-out page after RP-initiated logout.
     */
    @Bean
    RegisteredClientRepository demoClients(DemoClient app) {
        // Stored encoded as the provider's default encoder would, so it has nothing to upgrade and save.
        String secret = PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(app.secret());
        return new RegisteredClientRepository() {
            @Override
            public void save(RegisteredClient registeredClient) {
                throw new UnsupportedOperationException("the demo provider has a fixed client");
            }

            @Override
            public RegisteredClient findById(String id) {
                return DemoClient.ID.equals(id) ? client(app, secret) : null;
            }

            @Override
            public RegisteredClient findByClientId(String clientId) {
                return DemoClient.ID.equals(clientId) ? client(app, secret) : null;
            }
        };
    }

    private static RegisteredClient client(DemoClient app, String encodedSecret) {
        return RegisteredClient.withId(DemoClient.ID)
                .clientId(DemoClient.ID)
                .clientSecret(encodedSecret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri("http://127.0.0.1/login/oauth2/code/" + DemoIdentityProviderLauncher.REGISTRATION_ID)
                .postLogoutRedirectUris(uris -> uris.addAll(app.postLogoutRedirectUris()))
                .scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE).scope(OidcScopes.EMAIL)
                .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).build())
                .build();
    }

    /** Puts the person's name, e-mail and groups into the ID token, as corporate providers do. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> idTokenClaims(DemoProperties demo) {
        Map<String, DemoProperties.Account> byUsername = demo.accounts().stream()
                .collect(Collectors.toMap(DemoProperties.Account::username, account -> account));
        return context -> {
            if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                return;
            }
            DemoProperties.Account account = byUsername.get(context.getPrincipal().getName());
            if (account != null) {
                context.getClaims()
                        .claim("name", account.displayName())
                        .claim("preferred_username", account.username())
                        .claim("email", account.email())
                        .claim("groups", account.groups());
            }
        };
    }
}
