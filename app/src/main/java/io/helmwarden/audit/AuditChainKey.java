package io.helmwarden.audit;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The secret the audit chain is keyed with ({@code helmwarden.audit.chain-key}), kept outside the database
 * like the PKI key-encryption key: someone who can write the database but not read this key cannot compute
 * a valid hash for an entry they changed, so "verify" finds every rewrite, recomputed hashes included.
 */
@Component
public class AuditChainKey {

    private final SecretKeySpec key;

    public AuditChainKey(@Value("${helmwarden.audit.chain-key:}") String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalStateException("helmwarden.audit.chain-key is not set (or shorter than 16 characters):"
                    + " the audit log's hash chain is keyed with it, and it must live outside the database (an"
                    + " environment variable or a mounted Secret, e.g. HELMWARDEN_AUDIT_CHAIN_KEY). See"
                    + " config/application.yaml.");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** HMAC-SHA-256 of the text, in hex. */
    public String mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("no HMAC-SHA-256 in this JVM", e);
        }
    }
}
