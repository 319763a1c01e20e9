package io.helmwarden.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import io.helmwarden.support.TillerTlsHandshake;
import org.junit.jupiter.api.Test;

/**
 * The certificates Helm Warden issues work in a real TLS handshake set up the way Tiller sets up its gRPC
 * server with verification on (server certificate + key, client certificate required and verified against
 * ca.crt): a client certificate from the Tiller's CA is accepted, one from another CA is refused.
 */
class CertificateAuthorityTest {

    static final Instant NOW = Instant.now();
    final CertificateAuthority ca = CertificateAuthority.create("Tiller CA", NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));
    final IssuedCertificate server = ca.issueServer("tiller-server", List.of("127.0.0.1", "localhost"),
            NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));

    @Test
    void aClientCertificateFromTheTillersCaIsAcceptedAndOneFromAnotherCaIsRefused() throws Exception {
        // The preferred path: the person's key stays theirs, only the CSR travels.
        var keys = KeyPairGenerator.getInstance("EC");
        keys.initialize(new ECGenParameterSpec("secp256r1"));
        var personKeys = keys.generateKeyPair();
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=mallory-chosen-name"), personKeys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(personKeys.getPrivate()));
        IssuedCertificate fromCsr = ca.signClient(pem(csr), "priya", NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));
        assertThat(fromCsr.privateKeyPem()).isNull();
        assertThat(fromCsr.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=priya");

        assertThat(handshake(fromCsr.certificatePem(), pem(personKeys.getPrivate()))).isTrue();

        IssuedCertificate generated = ca.issueClient("sam", NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));
        assertThat(handshake(generated.certificatePem(), generated.privateKeyPem())).isTrue();

        var otherCa = CertificateAuthority.create("Other CA", NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));
        IssuedCertificate foreign = otherCa.issueClient("eve", NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));
        assertThat(handshake(foreign.certificatePem(), foreign.privateKeyPem())).isFalse();
    }

    @Test
    void aStoredAuthoritySignsAsTheOriginal() throws Exception {
        var loaded = CertificateAuthority.load(ca.certificatePem(), ca.privateKeyPem());
        var issued = loaded.issueClient("sam", NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));
        issued.certificate().verify(ca.certificate().getPublicKey());
        assertThat(handshake(issued.certificatePem(), issued.privateKeyPem())).isTrue();
    }

    @Test
    void garbageAndForgedRequestsAreRefusedWithAReason() throws Exception {
        assertThatThrownBy(() -> ca.signClient("not a csr", "x", NOW, NOW.plusSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("certificate signing request");
        assertThatThrownBy(() -> ca.signClient(ca.certificatePem(), "x", NOW, NOW.plusSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BEGIN CERTIFICATE REQUEST");
        var keys = KeyPairGenerator.getInstance("RSA");
        keys.initialize(1024);
        var weak = keys.generateKeyPair();
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=weak"), weak.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(weak.getPrivate()));
        assertThatThrownBy(() -> ca.signClient(pem(csr), "x", NOW, NOW.plusSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2048");
        // A broken PEM body (the 24 malformed CSRs of the probe): words for people, no library internals.
        for (String broken : new String[] {"-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----",
                "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----",
                "-----BEGIN CERTIFICATE REQUEST-----\nAAAAAAAA\n-----END CERTIFICATE REQUEST-----"}) {
            assertThatThrownBy(() -> ca.signClient(broken, "x", NOW, NOW.plusSeconds(60)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the certificate signing request")
                    .hasMessageNotContaining("Exception").hasMessageNotContaining("java.").hasMessageNotContaining("problem parsing");
        }
    }

    /** A TLS server as Tiller runs it with --tls-verify, and a client presenting this certificate. */
    private boolean handshake(String clientCertificatePem, String clientKeyPem) throws Exception {
        return TillerTlsHandshake.attempt(
                new TillerTlsHandshake.TillerSide(server.certificatePem(), server.privateKeyPem(), ca.certificatePem()),
                new TillerTlsHandshake.HelmSide(ca.certificatePem(), clientCertificatePem, clientKeyPem)).isEmpty();
    }

    private static String pem(Object object) throws Exception {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            writer.writeObject(object instanceof PrivateKey key
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
        }
        return out.toString();
    }
}
