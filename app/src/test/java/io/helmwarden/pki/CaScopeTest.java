package io.helmwarden.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.helmwarden.support.TillerTlsHandshake;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code helmwarden.pki.ca-scope}: one CA per Tiller keeps a client certificate to the one Tiller it was issued
 * for; one CA per cluster makes it open every Tiller of that cluster, and no Tiller of another cluster. Proven
 * with the stored CAs (on the app's own schema) and real TLS handshakes.
 */
class CaScopeTest {

    @Test
    void perClusterOneCertificateOpensEveryTillerOfItsClusterAndNoOther() throws Exception {
        CertificateAuthorities authorities = authorities(PkiProperties.CaScope.CLUSTER);

        var first = held(authorities, "prod-eu/team-a/tiller-deploy");
        var second = held(authorities, "prod-eu/team-b/tiller-deploy");
        var elsewhere = held(authorities, "prod-us/team-a/tiller-deploy");
        assertThat(second).isEqualTo(first);
        assertThat(elsewhere.sha256()).isNotEqualTo(first.sha256());
        assertThat(first.subject()).isEqualTo("CN=Helm Warden CA for prod-eu");

        var bundle = authorities.issueClientBundle("prod-eu/team-a/tiller-deploy", "priya");
        assertThat(handshake(authorities, "prod-eu/team-b/tiller-deploy", bundle)).isTrue();
        assertThat(handshake(authorities, "prod-us/team-a/tiller-deploy", bundle)).isFalse();
    }

    @Test
    void perTillerACertificateOpensOnlyItsOwnTiller() throws Exception {
        CertificateAuthorities authorities = authorities(PkiProperties.CaScope.TILLER);

        var first = held(authorities, "prod-eu/team-a/tiller-deploy");
        var second = held(authorities, "prod-eu/team-b/tiller-deploy");
        assertThat(second.sha256()).isNotEqualTo(first.sha256());
        assertThat(first.subject()).isEqualTo("CN=Helm Warden CA for prod-eu/team-a/tiller-deploy");

        var bundle = authorities.issueClientBundle("prod-eu/team-a/tiller-deploy", "priya");
        assertThat(handshake(authorities, "prod-eu/team-a/tiller-deploy", bundle)).isTrue();
        assertThat(handshake(authorities, "prod-eu/team-b/tiller-deploy", bundle)).isFalse();
    }

    /** The Tiller set up as the TLS remediations write its Secret; the person with the bundle they downloaded. */
    private static boolean handshake(CertificateAuthorities authorities, String tillerId, IssuedCertificate bundle)
            throws Exception {
        var served = authorities.issueServer(tillerId, tillerId.split("/")[1], "test");
        return TillerTlsHandshake.attempt(
                new TillerTlsHandshake.TillerSide(served.certificatePem(), served.privateKeyPem(),
                        authorities.caCertificatePem(tillerId)),
                new TillerTlsHandshake.HelmSide(authorities.caCertificatePem("prod-eu/team-a/tiller-deploy"),
                        bundle.certificatePem(), bundle.privateKeyPem())).isEmpty();
    }

    /** The CA for a Tiller's scope, created on first use as the remediations do. */
    private static CertificateAuthorities.HeldCa held(CertificateAuthorities authorities, String tillerId) {
        authorities.caCertificatePem(tillerId);
        return authorities.heldCa(tillerId).orElseThrow();
    }

    private static CertificateAuthorities authorities(PkiProperties.CaScope scope) {
        var dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:ca-scope-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return new CertificateAuthorities(JdbcClient.create(dataSource), new PkiProperties("test-only-key", scope,
                Duration.ofDays(30), Duration.ofDays(30), Duration.ofDays(30)), Clock.systemUTC());
    }
}
