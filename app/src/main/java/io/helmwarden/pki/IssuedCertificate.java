package io.helmwarden.pki;

import java.security.cert.X509Certificate;

/** A certificate with its PEM forms. The private key PEM is a secret: never log or display it. */
public record IssuedCertificate(X509Certificate certificate, String certificatePem, String privateKeyPem) {

    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate.getSubjectX500Principal() + "]";
    }
}
