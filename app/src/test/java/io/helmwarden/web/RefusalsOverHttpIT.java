package io.helmwarden.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import io.helmwarden.audit.AuditFilter;
import io.helmwarden.audit.AuditLog;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * What only a real server shows (MockMvc performs no error dispatch and no Tomcat valve): a refused POST is
 * a 403 page, not the 405 a forward to a GET-only page gave; a malformed CSRF token is a 400, not a 500;
 * forwarded headers from a client that is not a configured proxy change no redirect; and the demo provider
 * issues codes only to the app's own callback, not to any port on the loopback address.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "helmwarden.demo.idp.port=0",
        "spring.datasource.url=jdbc:h2:mem:refusals-over-http;DB_CLOSE_DELAY=-1"})
@ActiveProfiles("demo")
class RefusalsOverHttpIT {

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void aRefusedPostIsAForbiddenPageInTheLayout() throws Exception {
        var response = send(HttpRequest.newBuilder(app("/x" + "A".repeat(2_000))).header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/html"));
        assertThat(response.body()).contains("<h1>No access</h1>", "Back to the fleet");
    }

    @Test
    void aMalformedCsrfTokenIsABadRequest() throws Exception {
        byte[] bytes = new byte[72];
        Arrays.fill(bytes, 36, 72, (byte) 0xFF);
        var response = send(HttpRequest.newBuilder(app("/logout")).header("Accept", "text/html")
                .header("X-CSRF-TOKEN", Base64.getUrlEncoder().encodeToString(bytes))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<h1>Bad request</h1>");
    }

    @Test
    void forwardedHeadersFromAClientThatIsNoProxyChangeNoRedirect() throws Exception {
        var response = send(HttpRequest.newBuilder(app("/oauth2/authorization/demo"))
                .header("X-Forwarded-Host", "evil.example").header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-For", "203.0.113.9").GET());
        assertThat(response.statusCode()).isEqualTo(302);
        String location = URLDecoder.decode(response.headers().firstValue("Location").orElseThrow(), StandardCharsets.UTF_8);
        assertThat(location).contains("redirect_uri=http://127.0.0.1:" + port + "/login/oauth2/code/demo")
                .doesNotContain("evil.example", "https://127.0.0.1:" + port);
    }

    @Test
    void theDemoProviderSendsCodesOnlyToTheAppsOwnCallback() throws Exception {
        String authorize = send(HttpRequest.newBuilder(app("/oauth2/authorization/demo")).GET()).headers()
                .firstValue("Location").orElseThrow();
        var own = send(HttpRequest.newBuilder(URI.create(authorize)).header("Accept", "text/html").GET());
        assertThat(own.statusCode()).as("the app's own callback: on to the sign-in page").isEqualTo(302);
        assertThat(own.headers().firstValue("Location").orElseThrow()).endsWith("/login");

        int otherPortNumber = port == 1 ? 2 : port - 1;
        String otherPort = authorize.replace("127.0.0.1%3A" + port + "%2F", "127.0.0.1%3A" + otherPortNumber + "%2F")
                .replace("127.0.0.1:" + port + "/", "127.0.0.1:" + otherPortNumber + "/");
        assertThat(otherPort).isNotEqualTo(authorize);
        var other = send(HttpRequest.newBuilder(URI.create(otherPort)).header("Accept", "text/html").GET());
        assertThat(other.statusCode()).as("another local port").isEqualTo(400);
        assertThat(other.headers().firstValue("Location")).isEmpty();
    }

    @Autowired
    AuditLog audit;

    @Test
    void aSignInThatFailsAtTheCallbackIsAudited() throws Exception {
        var response = send(HttpRequest.newBuilder(app("/login/oauth2/code/demo?code=bogus&state=forged"))
                .header("Accept", "text/html").GET());
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location").orElseThrow()).endsWith("/login?error");
        assertThat(audit.find(new AuditFilter(null, null, null, "sign-in", "FAILURE", null, null, null), null, 5))
                .anySatisfy(entry -> assertThat(entry.details()).isEqualTo("sign-in failed at /login/oauth2/code/demo:"
                        + " authorization_request_not_found (from 127.0.0.1)"));
    }

    private URI app(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
