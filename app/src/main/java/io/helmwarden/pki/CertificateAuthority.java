package io.helmwarden.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A certificate authority (ECDSA P-256) that issues Tiller server certificates and client certificates for
 * the people who use that Tiller (from their CSR, or with a key generated for a one-time download).
 */
public final class CertificateAuthority {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private CertificateAuthority(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    public static CertificateAuthority create(String commonName, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        try {
            var extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore), Date.from(notAfter),
                    subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(keys, sign(builder, keys));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create a CA certificate", e);
        }
    }

    /** An authority stored earlier, from its PEM forms. */
    public static CertificateAuthority load(String certificatePem, String privateKeyPem) {
        try (var certificateParser = new PEMParser(new StringReader(certificatePem));
                var keyParser = new PEMParser(new StringReader(privateKeyPem))) {
            var certificate = new JcaX509CertificateConverter()
                    .getCertificate((X509CertificateHolder) certificateParser.readObject());
            Object key = keyParser.readObject();
            var converter = new JcaPEMKeyConverter();
            var privateKey = key instanceof PEMKeyPair pair ? converter.getPrivateKey(pair.getPrivateKeyInfo())
                    : converter.getPrivateKey((PrivateKeyInfo) key);
            return new CertificateAuthority(new KeyPair(certificate.getPublicKey(), privateKey), certificate);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("the stored certificate authority cannot be read", e);
        }
    }

    /** The CA's private key as PEM: a secret, for encrypted storage only. */
    String privateKeyPem() {
        return pem(keyPair.getPrivate());
    }

    /** A client certificate with a freshly generated key, for a one-time download. */
    public IssuedCertificate issueClient(String commonName, Instant notBefore, Instant notAfter) {
        return issue(commonName, List.of(), KeyPurposeId.id_kp_clientAuth, notBefore, notAfter);
    }

    /**
     * A client certificate for the key in a CSR, whose signature proves its owner holds the key; the
     * subject is ours ({@code commonName}), not the one the CSR asks for.
     *
     * @throws IllegalArgumentException when the CSR cannot be read, is not self-signed, or its key is weak
     */
    public IssuedCertificate signClient(String csrPem, String commonName, Instant notBefore, Instant notAfter) {
        PKCS10CertificationRequest csr;
        try (var parser = new PEMParser(new StringReader(csrPem))) {
            Object parsed = parser.readObject();
            if (!(parsed instanceof PKCS10CertificationRequest request)) {
                throw new IllegalArgumentException("this is not a PEM certificate signing request (BEGIN CERTIFICATE REQUEST)");
            }
            csr = request;
        } catch (IOException | RuntimeException e) {
            // The parser's own words name library internals; people get what to do instead.
            throw new IllegalArgumentException("the certificate signing request cannot be read: paste the whole PEM"
                    + " text, from -----BEGIN CERTIFICATE REQUEST----- to -----END CERTIFICATE REQUEST-----, as"
                    + " openssl req -new writes it");
        }
        try {
            var request = new JcaPKCS10CertificationRequest(csr);
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getPublicKey()))) {
                throw new IllegalArgumentException("the request's signature does not match its key");
            }
            PublicKey key = request.getPublicKey();
            if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048
                    || !(key instanceof RSAPublicKey) && !(key instanceof ECPublicKey)) {
                throw new IllegalArgumentException("the key must be RSA of at least 2048 bits, or EC");
            }
            return new IssuedCertificate(issueFor(key, commonName, List.of(), KeyPurposeId.id_kp_clientAuth, notBefore,
                    notAfter), null);
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException | IllegalStateException
                | ClassCastException e) {
            throw new IllegalArgumentException("the certificate signing request's key or signature cannot be checked:"
                    + " create it again with an RSA (2048 bits or more) or EC key");
        }
    }

    /** A server certificate for Tiller's gRPC endpoint; SANs may be DNS names or IP literals. */
    public IssuedCertificate issueServer(String commonName, List<String> subjectAltNames, Instant notBefore,
            Instant notAfter) {
        return issue(commonName, subjectAltNames, KeyPurposeId.id_kp_serverAuth, notBefore, notAfter);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        return pem(certificate);
    }

    private IssuedCertificate issue(String commonName, List<String> subjectAltNames, KeyPurposeId purpose,
            Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        return new IssuedCertificate(issueFor(keys.getPublic(), commonName, subjectAltNames, purpose, notBefore, notAfter),
                pem(keys.getPrivate()));
    }

    private X509Certificate issueFor(PublicKey key, String commonName, List<String> subjectAltNames,
            KeyPurposeId purpose, Instant notBefore, Instant notAfter) {
        try {
            var extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(commonName))}), key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate));
            if (!subjectAltNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, generalNames(subjectAltNames));
            }
            return sign(builder, keyPair);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
        }
    }

    private static GeneralNames generalNames(List<String> names) {
        List<GeneralName> result = new ArrayList<>();
        for (String name : names) {
            boolean ipLiteral = name.chars().allMatch(c -> Character.isDigit(c) || c == '.') || name.contains(":");
            result.add(new GeneralName(ipLiteral ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        return new GeneralNames(result.toArray(GeneralName[]::new));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException {
        try {
            var contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC key generator in this JVM", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }

    static String pem(Object object) {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            // Private keys as PKCS#8 ("PRIVATE KEY"), which Go's crypto/tls (Tiller, helm) and Java both read.
            writer.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
