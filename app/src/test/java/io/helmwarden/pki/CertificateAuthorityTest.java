package io.helmwarden.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
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
        SSLContext serverContext = context(server.certificatePem(), server.privateKeyPem(), ca.certificatePem());
        SSLContext clientContext = context(clientCertificatePem, clientKeyPem, ca.certificatePem());
        try (var listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            var accepted = CompletableFuture.supplyAsync(() -> {
                try (var socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    socket.getOutputStream().write(42);
                    socket.getOutputStream().flush();
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            boolean clientSucceeded;
            try (var socket = (SSLSocket) clientContext.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                socket.startHandshake();
                // TLS 1.3 reports a refused client certificate only on the first read.
                clientSucceeded = socket.getInputStream().read() == 42;
            } catch (Exception e) {
                clientSucceeded = false;
            }
            return accepted.get(10, TimeUnit.SECONDS) && clientSucceeded;
        }
    }

    private static SSLContext context(String certificatePem, String keyPem, String caPem) throws Exception {
        var certificates = java.security.cert.CertificateFactory.getInstance("X.509");
        Certificate certificate = certificates.generateCertificate(new java.io.ByteArrayInputStream(certificatePem.getBytes()));
        Certificate caCertificate = certificates.generateCertificate(new java.io.ByteArrayInputStream(caPem.getBytes()));
        PrivateKey key;
        try (var parser = new PEMParser(new StringReader(keyPem))) {
            Object parsed = parser.readObject();
            var converter = new JcaPEMKeyConverter();
            key = parsed instanceof PEMKeyPair pair ? converter.getPrivateKey(pair.getPrivateKeyInfo())
                    : converter.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) parsed);
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("me", key, new char[0], new Certificate[] {certificate});
        var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, new char[0]);
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("ca", caCertificate);
        var trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
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
