package io.helmwarden.demo.idp;

import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.demo.DemoProperties;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the demo's OIDC provider before the app's context, so the app discovers it like any provider,
 * and points the app's {@code demo} client registration at it. It runs only when
 * {@code helmwarden.demo.enabled} is true (the {@code demo} profile) and binds to 127.0.0.1 alone, so a
 * production configuration cannot start it by accident, nor reach it from another machine.
 */
public class DemoIdentityProviderLauncher implements GenericApplicationListener {

    private static final Logger log = LoggerFactory.getLogger(DemoIdentityProviderLauncher.class);
    public static final String REGISTRATION_ID = "demo";

    private ConfigurableApplicationContext provider;
    private DemoClient client;

    @Override
    public boolean supportsEventType(ResolvableType eventType) {
        Class<?> type = eventType.getRawClass();
        return type != null && (ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(type)
                || WebServerInitializedEvent.class.isAssignableFrom(type)
                || ContextClosedEvent.class.isAssignableFrom(type) || ApplicationFailedEvent.class.isAssignableFrom(type));
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared
                && !prepared.getSpringApplication().getAllSources().contains(DemoIdentityProvider.class)) {
            DemoProperties demo = Binder.get(prepared.getEnvironment())
                    .bindOrCreate("helmwarden.demo", DemoProperties.class);
            if (demo.enabled()) {
                start(demo, prepared.getEnvironment());
            }
        } else if (event instanceof WebServerInitializedEvent started && client != null
                && started.getApplicationContext() != provider) {
            client.appListensOn(started.getWebServer().getPort());
            AuditLog audit = started.getApplicationContext().getBean(AuditLog.class);
            client.onSignInFailure((username, address) -> audit.append(AuditEvent.by(new AuditEvent.Actor(
                    "anonymous", null, null), AuditAction.SIGN_IN, AuditEntry.Outcome.FAILURE).details("wrong password at the"
                    + " demo sign-in provider for \"" + (username.length() > 64 ? username.substring(0, 64) + "…" : username)
                    + "\" (from " + address + ")")));
        } else if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() != provider
                || event instanceof ApplicationFailedEvent) {
            stop();
        }
    }

    private void start(DemoProperties demo, ConfigurableEnvironment appEnvironment) {
        if (demo.accounts().isEmpty()) {
            throw new IllegalStateException("demo mode: helmwarden.demo.accounts lists no account to sign in with");
        }
        client = new DemoClient(HexFormat.of().formatHex(new SecureRandom().generateSeed(24)));
        Map<String, Object> properties = new HashMap<>();
        // No application.yaml of the app's: the provider's configuration is all here.
        properties.put("spring.config.name", "helm-warden-demo-idp");
        properties.put("server.address", "127.0.0.1");
        properties.put("server.port", demo.idp().port());
        // Both servers are on 127.0.0.1, and cookies ignore ports: without its own name, the provider's
        // session cookie would overwrite the app's.
        properties.put("server.servlet.session.cookie.name", "HELM_WARDEN_DEMO_IDP_SESSION");

        provider = new SpringApplicationBuilder(DemoIdentityProvider.class)
                .web(WebApplicationType.SERVLET)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .properties(properties)
                .initializers(context -> {
                    context.getBeanFactory().registerSingleton("demoProperties", demo);
                    context.getBeanFactory().registerSingleton("demoClient", client);
                })
                .run();
        int port = ((WebServerApplicationContext) provider).getWebServer().getPort();
        String issuer = "http://127.0.0.1:" + port;

        String registration = "spring.security.oauth2.client.registration." + REGISTRATION_ID + ".";
        Map<String, Object> app = new HashMap<>();
        app.put(registration + "client-id", DemoClient.ID);
        app.put(registration + "client-secret", client.secret());
        app.put(registration + "client-name", "Helm Warden demo sign-in");
        app.put(registration + "scope", "openid,profile,email");
        app.put("spring.security.oauth2.client.provider." + REGISTRATION_ID + ".issuer-uri", issuer);
        app.put("helmwarden.demo.idp.issuer", issuer);
        appEnvironment.getPropertySources().addFirst(new MapPropertySource("helmWardenDemoIdentityProvider", app));
        log.warn("DEMO MODE: sign-in provider with demo accounts at {} (loopback only). Never use the demo "
                + "profile for a real deployment.", issuer);
    }

    private void stop() {
        if (provider != null) {
            provider.close();
            provider = null;
            client = null;
        }
    }

    @Override
    public int getOrder() {
        // After Boot has loaded application.yaml and the active profiles into the environment.
        return Ordered.LOWEST_PRECEDENCE;
    }
}
