package io.helmwarden.web;

import io.github.wimdeblauwe.htmx.spring.boot.security.HxRefreshHeaderAuthenticationEntryPoint;
import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.RoleMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.logout.LogoutSuccessHandler;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestHeaderRequestMatcher;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Everything but static assets, health and the signed-out page needs an OIDC sign-in and a role mapped from
 * the person's groups ({@link RoleMapper}); what each role sees is cut further by {@code Viewer}. Headers: a strict
 * Content-Security-Policy (no inline script or style, nothing from other origins), no framing, no referrer
 * across origins. CSRF protection stays on for every state-changing request, htmx ones included.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurityConfiguration {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'%s; "
            + "frame-ancestors 'none'; base-uri 'none'";

    @Bean
    SecurityFilterChain appSecurity(HttpSecurity http, ObjectProvider<ClientRegistrationRepository> registrations,
            RoleMapper roles, AuditLog audit, AnonymousRefusals anonymous) throws Exception {
        ClientRegistrationRepository clients = registrations.getIfAvailable();
        if (clients == null) {
            throw new IllegalStateException("No OIDC provider is configured. Set "
                    + "spring.security.oauth2.client.registration.<id>.* and provider.<id>.issuer-uri (see "
                    + "config/application.yaml), or start the demo with the 'demo' profile.");
        }
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/css/**", "/js/**", "/img/**", "/webjars/**", "/favicon.svg").permitAll()
                        .requestMatchers("/signed-out", "/error", "/actuator/health/**").permitAll()
                        // Signed in, but no role mapped from the provider's groups: this page says so.
                        .requestMatchers("/no-access").authenticated()
                        // Team leads see their teams' entries; verification is for those who see all.
                        .requestMatchers(HttpMethod.POST, "/audit/verify").hasAnyRole(Role.PLATFORM_ADMIN.name(),
                                Role.AUDITOR.name())
                        .requestMatchers("/audit", "/audit/**").hasAnyRole(Role.PLATFORM_ADMIN.name(),
                                Role.AUDITOR.name(), Role.TEAM_LEAD.name())
                        .anyRequest().hasAnyRole(RoleMapper.allRoles()))
                .oauth2Login(login -> login.defaultSuccessUrl("/", false)
                        .failureHandler(signInFailureAudited(audit))
                        .userInfoEndpoint(userInfo -> userInfo.userAuthoritiesMapper(roles)))
                .csrf(csrf -> csrf.csrfTokenRequestHandler(new MalformedTokenAware()))
                .logout(logout -> logout.logoutSuccessHandler(signOutAtProvider(clients))
                        .deleteCookies("HELM_WARDEN_SESSION"))
                // An htmx request after the session expired gets HX-Refresh, so the browser does a full-page
                // sign-in instead of swapping a login page into a fragment.
                .exceptionHandling(errors -> errors
                        .defaultAuthenticationEntryPointFor(new HxRefreshHeaderAuthenticationEntryPoint(),
                                new RequestHeaderRequestMatcher("HX-Request"))
                        // The JSON API answers 401 instead of redirecting tools to a sign-in page.
                        .defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED),
                                PathPatternRequestMatcher.pathPattern("/api/**"))
                        .accessDeniedHandler(deniedAndAudited(audit, anonymous)))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(contentSecurityPolicy(clients)))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(
                                ReferrerPolicyHeaderWriter.ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN)));
        return http.build();
    }

    /**
     * Every refusal is recorded (those of requests nobody signed in for are counted, see
     * {@link AnonymousRefusals}), then answered by the error page in the layout: 403, or 400 for a CSRF token
     * that is not even well-formed. An error dispatch, unlike a forward, answers any method, so a refused POST
     * is a 403 too.
     */
    private static AccessDeniedHandler deniedAndAudited(AuditLog audit, AnonymousRefusals anonymous) {
        return (request, response, denied) -> {
            Authentication who = SecurityContextHolder.getContext().getAuthentication();
            if (who == null || who instanceof AnonymousAuthenticationToken) {
                anonymous.refused(request.getRemoteAddr(), request.getMethod(), request.getRequestURI());
            } else {
                String uri = request.getRequestURI();
                audit.append(AuditEvent.by(Audits.actor(who), AuditAction.ACCESS_DENIED, AuditEntry.Outcome.DENIED)
                        .details(request.getMethod() + " " + (uri.length() > 300 ? uri.substring(0, 300) + "…" : uri)));
            }
            boolean malformed = request.getAttribute(MalformedTokenAware.MALFORMED) != null;
            response.sendError(malformed ? HttpServletResponse.SC_BAD_REQUEST : HttpServletResponse.SC_FORBIDDEN);
        };
    }

    /**
     * A token that decodes to bytes no UTF-8 text has makes Spring Security's handler throw, which would be a
     * 500 with a stack trace for anyone who sends one: it is a token that does not match, marked as malformed.
     */
    static final class MalformedTokenAware implements CsrfTokenRequestHandler {

        static final String MALFORMED = MalformedTokenAware.class.getName() + ".MALFORMED";
        private final XorCsrfTokenRequestAttributeHandler delegate = new XorCsrfTokenRequestAttributeHandler();

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
            delegate.handle(request, response, token);
        }

        @Override
        public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
            try {
                return delegate.resolveCsrfTokenValue(request, token);
            } catch (IllegalArgumentException e) {
                request.setAttribute(MALFORMED, Boolean.TRUE);
                return null;
            }
        }
    }

    /**
     * A failed sign-in (an error from the provider, a bad or replayed authorization code, a state that does not
     * match) is audited with the provider's error code, then the person sees the sign-in page with an error.
     */
    private static AuthenticationFailureHandler signInFailureAudited(AuditLog audit) {
        var page = new SimpleUrlAuthenticationFailureHandler("/login?error");
        return (request, response, exception) -> {
            String reason = exception instanceof OAuth2AuthenticationException oauth
                    ? oauth.getError().getErrorCode() : exception.getClass().getSimpleName();
            audit.append(AuditEvent.by(new AuditEvent.Actor("anonymous", null, null), AuditAction.SIGN_IN,
                    AuditEntry.Outcome.FAILURE).details("sign-in failed at " + request.getRequestURI() + ": " + reason
                    + " (from " + request.getRemoteAddr() + ")"));
            page.onAuthenticationFailure(request, response, exception);
        };
    }

    /**
     * Signing out of Helm Warden signs out at the provider too (RP-initiated logout) when it offers an
     * end-session endpoint, and comes back to the signed-out page; otherwise straight to that page.
     */
    private static LogoutSuccessHandler signOutAtProvider(ClientRegistrationRepository clients) {
        var handler = new OidcClientInitiatedLogoutSuccessHandler(clients);
        handler.setPostLogoutRedirectUri("{baseUrl}/signed-out");
        handler.setDefaultTargetUrl("/signed-out");
        return handler;
    }

    /**
     * The sign-out form's redirect goes on to the provider's end-session endpoint, and browsers apply
     * form-action to redirects: the providers' origins, and nothing else, are added to it.
     */
    static String contentSecurityPolicy(ClientRegistrationRepository clients) {
        Set<String> origins = new TreeSet<>();
        if (clients instanceof Iterable<?> registrations) {
            for (Object registration : registrations) {
                var provider = ((ClientRegistration) registration).getProviderDetails();
                Stream.of(provider.getAuthorizationUri(), provider.getIssuerUri(),
                                String.valueOf(provider.getConfigurationMetadata().getOrDefault("end_session_endpoint", "")))
                        .filter(uri -> uri != null && uri.startsWith("http"))
                        .map(uri -> UriComponentsBuilder.fromUriString(uri).replacePath(null).replaceQuery(null).build()
                                .toUriString())
                        .forEach(origins::add);
            }
        }
        return CONTENT_SECURITY_POLICY.formatted(origins.stream().map(origin -> " " + origin).reduce("", String::concat));
    }
}
