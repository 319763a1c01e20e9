package io.helmwarden.pki;

import java.security.cert.X509Certificate;

/**
 * A certificate, and the private key generated for it when Helm Warden generated one (null when it signed
 * someone's CSR: their key never left their machine). The key PEM is a secret: never log, store or display it.
 */
public record IssuedCertificate(X509Certificate certificate, String privateKeyPem) {

    public String certificatePem() {
        return CertificateAuthority.pem(certificate);
    }

    public String serial() {
        return certificate.getSerialNumber().toString(16);
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate.getSubjectX500Principal() + ", serial " + serial() + "]";
    }
}
