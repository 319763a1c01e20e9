package io.helmwarden.pki;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.stereotype.Service;

/**
 * The CAs behind Tillers' TLS, kept in the database with their private keys encrypted
 * ({@link PkiProperties#keyEncryptionKey()}), and the record of every certificate they issue. A CA is
 * created the first time a Tiller (or cluster, by {@link PkiProperties#caScope()}) needs one.
 */
@Service
@EnableConfigurationProperties(PkiProperties.class)
public class CertificateAuthorities {

    /** Issuing needs a key-encryption key; the message says what to configure. */
    public static class NotConfigured extends RuntimeException {
        public NotConfigured() {
            super("helmwarden.pki.key-encryption-key is not set: Helm Warden keeps no CA key unencrypted, so it"
                    + " issues no certificates until it is configured");
        }
    }

    /** A certificate as recorded: never its key. */
    public record Issued(String serial, String tillerId, String kind, String subject, String issuedTo, String issuedBy,
            boolean keyGenerated, Instant notAfter, Instant createdAt) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Issued certificates start a little in the past, for clocks that lag. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final JdbcClient jdbc;
    private final PkiProperties properties;
    private final Clock clock;

    CertificateAuthorities(JdbcClient jdbc, PkiProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    public boolean configured() {
        return properties.keyEncryptionKey() != null && !properties.keyEncryptionKey().isBlank();
    }

    /** A CA as a Tiller's TLS Secret can be compared with it: its subject and SHA-256 fingerprint. */
    public record HeldCa(String subject, String sha256) {
    }

    /** The CA Helm Warden holds for a Tiller's scope, without creating one. */
    public java.util.Optional<HeldCa> heldCa(String tillerId) {
        if (!configured()) {
            return java.util.Optional.empty();
        }
        return jdbc.sql("SELECT certificate_pem FROM certificate_authority WHERE scope = ?").param(scope(tillerId))
                .query((rs, row) -> held(rs.getString(1)))
                .optional();
    }

    private static HeldCa held(String certificatePem) {
        try {
            var certificate = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                    .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(
                            certificatePem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return new HeldCa(certificate.getSubjectX500Principal().getName(), HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
        } catch (java.security.cert.CertificateException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the stored certificate authority cannot be read", e);
        }
    }

    /** A Tiller's CA scope: the Tiller itself, or its cluster ({@link PkiProperties#caScope()}). */
    private String scope(String tillerId) {
        return properties.caScope() == PkiProperties.CaScope.CLUSTER ? tillerId.split("/", 2)[0] : tillerId;
    }

    /** The CA certificate a Tiller's clients and the Tiller itself trust. */
    public String caCertificatePem(String tillerId) {
        return authorityFor(tillerId).certificatePem();
    }

    /**
     * A server certificate for a Tiller, with the SANs Helm clients connect by: the loopback address and
     * name (port-forwarding) and the Service names.
     */
    public IssuedCertificate issueServer(String tillerId, String namespace, String issuedBy) {
        Instant now = clock.instant();
        IssuedCertificate issued = authorityFor(tillerId).issueServer("tiller-server",
                List.of("127.0.0.1", "localhost", "tiller-deploy", "tiller-deploy." + namespace,
                        "tiller-deploy." + namespace + ".svc"),
                now.minus(SKEW), now.plus(properties.serverCertificateLifetime()));
        record(issued, tillerId, "server", "tiller", issuedBy);
        return issued;
    }

    /** A client certificate for the key in a person's CSR; their key never reaches us. */
    public IssuedCertificate signClient(String tillerId, String csrPem, String issuedTo) {
        Instant now = clock.instant();
        IssuedCertificate issued = authorityFor(tillerId).signClient(csrPem, issuedTo, now.minus(SKEW),
                now.plus(properties.clientCertificateLifetime()));
        record(issued, tillerId, "client", issuedTo, issuedTo);
        return issued;
    }

    /** A client certificate with a key generated here, handed out once and never stored. */
    public IssuedCertificate issueClientBundle(String tillerId, String issuedTo) {
        Instant now = clock.instant();
        IssuedCertificate issued = authorityFor(tillerId).issueClient(issuedTo, now.minus(SKEW),
                now.plus(properties.clientCertificateLifetime()));
        record(issued, tillerId, "client", issuedTo, issuedTo);
        return issued;
    }

    /** Every certificate issued for a Tiller, newest first. */
    public List<Issued> issued(String tillerId) {
        return jdbc.sql("SELECT * FROM issued_certificate WHERE tiller_id = ? ORDER BY created_at DESC").param(tillerId)
                .query((rs, row) -> new Issued(rs.getString("serial"), rs.getString("tiller_id"), rs.getString("kind"),
                        rs.getString("subject"), rs.getString("issued_to"), rs.getString("issued_by"),
                        rs.getBoolean("key_generated"), rs.getTimestamp("not_after").toInstant(),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    private void record(IssuedCertificate issued, String tillerId, String kind, String issuedTo, String issuedBy) {
        jdbc.sql("""
                INSERT INTO issued_certificate (serial, tiller_id, kind, subject, issued_to, issued_by, key_generated,
                    not_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(issued.serial(), tillerId, kind, issued.certificate().getSubjectX500Principal().getName(),
                        issuedTo, issuedBy, issued.privateKeyPem() != null,
                        Timestamp.from(issued.certificate().getNotAfter().toInstant()), Timestamp.from(clock.instant()))
                .update();
    }

    /** The CA of a Tiller's scope: read and decrypted, or created once (concurrent creators agree on one). */
    CertificateAuthority authorityFor(String tillerId) {
        if (!configured()) {
            throw new NotConfigured();
        }
        String scope = scope(tillerId);
        var stored = jdbc.sql("SELECT certificate_pem, private_key_encrypted, salt FROM certificate_authority WHERE scope = ?")
                .param(scope)
                .query((rs, row) -> CertificateAuthority.load(rs.getString(1),
                        encryptor(rs.getString(3)).decrypt(rs.getString(2))))
                .optional();
        if (stored.isPresent()) {
            return stored.get();
        }
        Instant now = clock.instant();
        CertificateAuthority created = CertificateAuthority.create("Helm Warden CA for " + scope, now.minus(SKEW),
                now.plus(properties.caLifetime()));
        String salt = HexFormat.of().formatHex(RANDOM.generateSeed(16));
        try {
            jdbc.sql("""
                    INSERT INTO certificate_authority (scope, certificate_pem, private_key_encrypted, salt, created_at)
                    VALUES (?, ?, ?, ?, ?)""")
                    .params(scope, created.certificatePem(), encryptor(salt).encrypt(created.privateKeyPem()), salt,
                            Timestamp.from(now))
                    .update();
            return created;
        } catch (DuplicateKeyException e) {
            return authorityFor(tillerId);
        }
    }

    private TextEncryptor encryptor(String salt) {
        return Encryptors.delux(properties.keyEncryptionKey(), salt);
    }
}
