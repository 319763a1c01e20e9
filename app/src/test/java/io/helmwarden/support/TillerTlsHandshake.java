package io.helmwarden.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A real TLS handshake between a server set up as Tiller sets itself up with {@code --tls --tls-verify} (its
 * Secret's tls.crt and tls.key served, client certificates required and verified against its ca.crt) and a
 * client set up as helm with {@code --tls-verify} (the bundle's ca.crt trusted, the server's name checked
 * against 127.0.0.1, the address a port-forward gives, and the bundle's client certificate and key offered).
 * The JDK's TLS stands in for Go's crypto/tls: no Tiller binary can run here.
 */
public final class TillerTlsHandshake {

    /** What the Tiller's TLS Secret holds. */
    public record TillerSide(String servedCertificatePem, String servedKeyPem, String clientCaPem) {
    }

    /** What a person holds: the downloaded bundle (or their own key for a CSR). */
    public record HelmSide(String caPem, String clientCertificatePem, String clientKeyPem) {
    }

    private TillerTlsHandshake() {
    }

    /** Empty when both sides accept each other and a byte crosses; otherwise the side's reason. */
    public static Optional<String> attempt(TillerSide tiller, HelmSide helm) throws Exception {
        SSLContext server = context(tiller.servedCertificatePem(), tiller.servedKeyPem(), tiller.clientCaPem());
        SSLContext client = context(helm.clientCertificatePem(), helm.clientKeyPem(), helm.caPem());
        try (var listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            listener.setSoTimeout(10_000);
            CompletableFuture<Optional<String>> served = CompletableFuture.supplyAsync(() -> {
                try (var socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    socket.getOutputStream().write(1);
                    socket.getOutputStream().flush();
                    return Optional.empty();
                } catch (IOException e) {
                    return Optional.of("tiller: " + e.getMessage());
                }
            });
            Optional<String> connected;
            try (var socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                var parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                connected = socket.getInputStream().read() == 1 ? Optional.empty() : Optional.of("helm: no data");
            } catch (IOException e) {
                connected = Optional.of("helm: " + e.getMessage());
            }
            Optional<String> tillerSide = served.get(15, TimeUnit.SECONDS);
            return tillerSide.isPresent() ? tillerSide : connected;
        }
    }

    private static SSLContext context(String certificatePem, String keyPem, String trustedPem) throws Exception {
        char[] password = "handshake".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", privateKey(keyPem), password, new Certificate[] {certificate(certificatePem)});
        var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(
                new ByteArrayInputStream(trustedPem.getBytes(StandardCharsets.US_ASCII)))) {
            trust.setCertificateEntry("ca" + i++, ca);
        }
        var trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static Certificate certificate(String pem) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static PrivateKey privateKey(String pem) throws IOException {
        try (var parser = new PEMParser(new StringReader(pem))) {
            Object parsed = parser.readObject();
            var converter = new JcaPEMKeyConverter();
            return parsed instanceof PEMKeyPair pair ? converter.getPrivateKey(pair.getPrivateKeyInfo())
                    : converter.getPrivateKey((PrivateKeyInfo) parsed);
        }
    }
}
