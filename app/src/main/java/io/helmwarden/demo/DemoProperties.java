package io.helmwarden.demo;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo mode ({@code helmwarden.demo}, switched on by the {@code demo} profile): in-process clusters
 * seeded with {@link DemoFleet} and an embedded OIDC provider on loopback with these accounts.
 */
@ConfigurationProperties("helmwarden.demo")
public record DemoProperties(@DefaultValue("false") boolean enabled, @DefaultValue Idp idp,
        @DefaultValue List<Account> accounts) {

    /** The embedded provider; port 0 picks a free one (tests). */
    public record Idp(@DefaultValue("9000") int port) {
    }

    /** A demo person. Groups go into the ID token's {@code groups} claim. */
    public record Account(String username, String password, String displayName, String email, List<String> groups) {

        @Override
        public String toString() {
            return "Account[" + username + "]";
        }
    }
}
