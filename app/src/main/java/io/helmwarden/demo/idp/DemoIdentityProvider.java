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
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.context.ApplicationListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
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
     * Boot's two chains (authorization server endpoints, then form login for everything else), with two
     * changes: a redirect URI must equal a registered one exactly, where the default accepts any port on a
     * loopback address (RFC 8252, for native apps) and so would hand codes to any local process; and a wrong
     * password is reported to the app, which audits it.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
        http.oauth2AuthorizationServer(server -> {
                    http.securityMatcher(server.getEndpointsMatcher());
                    server.oidc(Customizer.withDefaults())
                            .authorizationEndpoint(endpoint -> endpoint.authenticationProviders(providers -> providers
                                    .stream().filter(OAuth2AuthorizationCodeRequestAuthenticationProvider.class::isInstance)
                                    .map(OAuth2AuthorizationCodeRequestAuthenticationProvider.class::cast)
                                    .forEach(provider -> provider.setAuthenticationValidator(
                                            new OAuth2AuthorizationCodeRequestAuthenticationValidator()
                                                    .andThen(DemoIdentityProvider::exactRedirectUri)))));
                })
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .oauth2ResourceServer(resource -> resource.jwt(Customizer.withDefaults()))
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityFilterChain signIn(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .build();
    }

    /** A wrong password, as the provider's authentication reports it, goes to the app's audit log. */
    @Bean
    ApplicationListener<AuthenticationFailureBadCredentialsEvent> wrongPasswords(DemoClient app) {
        return event -> app.signInFailed(event.getAuthentication().getName(),
                event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details
                        ? details.getRemoteAddress() : "an unknown address");
    }

    private static void exactRedirectUri(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        String requested = request.getRedirectUri();
        if (requested != null && !context.getRegisteredClient().getRedirectUris().contains(requested)) {
            // No redirect URI in the error: the error must not be sent to the address that was refused.
            var withoutRedirect = new OAuth2AuthorizationCodeRequestAuthenticationToken(request.getAuthorizationUri(),
                    request.getClientId(), (Authentication) request.getPrincipal(), null, request.getState(),
                    request.getScopes(), request.getAdditionalParameters());
            throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                    "redirect_uri is not registered", null), withoutRedirect);
        }
    }

    /**
     * The app, registered with real redirect checks: exactly its sign-in callback on the port it listens on,
     * and its own signed-out page after RP-initiated logout.
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

            // Known once the app listens: until then there is no client to sign in to.
            @Override
            public RegisteredClient findById(String id) {
                return DemoClient.ID.equals(id) && !app.redirectUris().isEmpty() ? client(app, secret) : null;
            }

            @Override
            public RegisteredClient findByClientId(String clientId) {
                return findById(clientId);
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
                .redirectUris(uris -> uris.addAll(app.redirectUris()))
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
