package io.helmwarden.demo.idp;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The app as the demo provider's one client: its secret (new at every start) and where the provider may send
 * people back after signing out, which is known only once the app's port is.
 */
final class DemoClient {

    static final String ID = "helm-warden";

    private final String secret;
    private final Set<String> postLogoutRedirectUris = new CopyOnWriteArraySet<>();

    DemoClient(String secret) {
        this.secret = secret;
    }

    String secret() {
        return secret;
    }

    Set<String> postLogoutRedirectUris() {
        return Set.copyOf(postLogoutRedirectUris);
    }

    void appListensOn(int port) {
        postLogoutRedirectUris.add("http://127.0.0.1:" + port + "/signed-out");
        postLogoutRedirectUris.add("http://localhost:" + port + "/signed-out");
    }
}
