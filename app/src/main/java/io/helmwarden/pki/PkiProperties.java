package io.helmwarden.pki;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The certificate authorities Helm Warden keeps.
 *
 * @param keyEncryptionKey          the secret CA private keys are encrypted with in the database (AES-256-GCM,
 *                                  key derived with PBKDF2 and a per-CA salt); unset, no CA is created and
 *                                  TLS remediations refuse. Keep it outside the database, and back it up:
 *                                  without it the stored CAs cannot sign again.
 * @param caScope                   one CA per Tiller (default: a client certificate opens one Tiller only),
 *                                  or per cluster
 * @param caLifetime                how long a new CA is valid
 * @param serverCertificateLifetime how long a Tiller server certificate is valid
 * @param clientCertificateLifetime how long a person's client certificate is valid
 */
@ConfigurationProperties("helmwarden.pki")
public record PkiProperties(String keyEncryptionKey, @DefaultValue("TILLER") CaScope caScope,
        @DefaultValue("3650d") Duration caLifetime, @DefaultValue("365d") Duration serverCertificateLifetime,
        @DefaultValue("90d") Duration clientCertificateLifetime) {

    public enum CaScope { TILLER, CLUSTER }
}
