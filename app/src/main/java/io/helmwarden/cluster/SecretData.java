package io.helmwarden.cluster;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** A Secret's data is base64 on the wire; these are its only encoder and decoder in Helm Warden. */
public final class SecretData {

    private SecretData() {
    }

    /** The value of one key as text (US-ASCII: Tiller's payloads and PEM are), empty when absent. */
    public static Optional<String> text(Secret secret, String key) {
        return bytes(secret, key).map(bytes -> new String(bytes, StandardCharsets.US_ASCII));
    }

    public static Optional<byte[]> bytes(Secret secret, String key) {
        String data = secret == null || secret.getData() == null ? null : secret.getData().get(key);
        return Optional.ofNullable(data).map(Base64.getDecoder()::decode);
    }

    /** Text as a Secret's data value. */
    public static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
