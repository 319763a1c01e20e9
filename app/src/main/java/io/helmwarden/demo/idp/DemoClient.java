package io.helmwarden.demo.idp;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.BiConsumer;

/**
 * The app as the demo provider's one client: its secret (new at every start) and where the provider may send
 * people back after signing out, which is known only once the app's port is.
 */
final class DemoClient {

    static final String ID = "helm-warden";

    private final String secret;
    private final Set<String> postLogoutRedirectUris = new CopyOnWriteArraySet<>();
    private final Set<String> redirectUris = new CopyOnWriteArraySet<>();
    private volatile BiConsumer<String, String> signInFailures = (username, address) -> { };

    DemoClient(String secret) {
        this.secret = secret;
    }

    String secret() {
        return secret;
    }

    Set<String> postLogoutRedirectUris() {
        return Set.copyOf(postLogoutRedirectUris);
    }

    Set<String> redirectUris() {
        return Set.copyOf(redirectUris);
    }

    /** Where the provider reports a wrong password (username as typed, client address): the app audits it. */
    void onSignInFailure(BiConsumer<String, String> listener) {
        this.signInFailures = listener;
    }

    void signInFailed(String username, String address) {
        signInFailures.accept(username, address);
    }

    void appListensOn(int port) {
        redirectUris.add("http://127.0.0.1:" + port + "/login/oauth2/code/" + DemoIdentityProviderLauncher.REGISTRATION_ID);
        postLogoutRedirectUris.add("http://127.0.0.1:" + port + "/signed-out");
        postLogoutRedirectUris.add("http://localhost:" + port + "/signed-out");
    }
}
