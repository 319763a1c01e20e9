package io.helmwarden.release;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Helm 3's release record as its Secret driver writes it: Secret {@code sh.helm.release.v1.<name>.v<revision>}
 * in the release's namespace, type {@code helm.sh/release.v1}, labels {@code name, owner=helm, status, version,
 * createdAt}, and under {@code release} base64(gzip level 9(JSON)) — shown by the API base64-encoded once more.
 */
public final class Helm3Records {

    public static final String PREFIX = "sh.helm.release.v1.";
    public static final String TYPE = "helm.sh/release.v1";
    public static final String OWNER = "owner";
    public static final String OWNER_HELM = "helm";
    public static final String NAME = "name";
    public static final String STATUS = "status";
    public static final String VERSION = "version";
    public static final String CREATED_AT = "createdAt";
    public static final String MODIFIED_AT = "modifiedAt";
    /** Kubernetes refuses Secrets whose data sum exceeds this (k8s.io/api core/v1 MaxSecretSize). */
    public static final int MAX_RECORD_BYTES = 1024 * 1024;

    /** {@code chartutil.ValidateReleaseName}: what helm upgrade, rollback, uninstall and history accept. */
    private static final Pattern RELEASE_NAME = Pattern.compile(
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final int MAX_RELEASE_NAME = 53;
    private static final int MAX_INFLATED_BYTES = 64 * 1024 * 1024;
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Helm3Records() {
    }

    public static String secretName(String release, int revision) {
        return PREFIX + release + ".v" + revision;
    }

    /** Why Helm 3 would refuse this release name, if it would. */
    public static Optional<String> nameRefusal(String release) {
        if (release.length() > MAX_RELEASE_NAME) {
            return Optional.of("Helm 3 refuses release names longer than " + MAX_RELEASE_NAME + " characters ("
                    + release.length() + ")");
        }
        if (!RELEASE_NAME.matcher(release).matches()) {
            return Optional.of("Helm 3 refuses the release name \"" + release + "\": lower-case letters, digits, '-'"
                    + " and '.' only, starting and ending with a letter or digit");
        }
        return Optional.empty();
    }

    /** The payload string Helm 3 stores: base64 of the JSON gzipped at best compression. */
    public static String encode(JsonNode release) {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(MAPPER.writeValueAsBytes(release));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** As Helm 3's {@code decodeRelease}: base64, gunzip only behind the gzip magic, then JSON. */
    public static JsonNode decode(String payload) throws ReleaseDecodingException {
        if (payload == null || payload.isBlank()) {
            throw new ReleaseDecodingException("the record has no release payload");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(payload.strip());
        } catch (IllegalArgumentException e) {
            throw new ReleaseDecodingException("the payload is not base64: " + e.getMessage());
        }
        if (raw.length > 3 && raw[0] == 0x1f && raw[1] == (byte) 0x8b && raw[2] == 0x08) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                raw = in.readNBytes(MAX_INFLATED_BYTES + 1);
            } catch (IOException e) {
                throw new ReleaseDecodingException("the payload is not valid gzip: " + e.getMessage());
            }
            if (raw.length > MAX_INFLATED_BYTES) {
                throw new ReleaseDecodingException("the payload inflates beyond " + MAX_INFLATED_BYTES + " bytes");
            }
        }
        try {
            return MAPPER.readTree(new String(raw, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new ReleaseDecodingException("the payload is not Helm 3 release JSON: " + e.getOriginalMessage());
        }
    }

    /** The labels Helm 3's driver writes on create, for a release JSON with this status. */
    public static Map<String, String> labels(String release, int revision, String status, Instant createdAt) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, release);
        labels.put(OWNER, OWNER_HELM);
        labels.put(STATUS, status);
        labels.put(VERSION, Integer.toString(revision));
        labels.put(CREATED_AT, Long.toString(createdAt.getEpochSecond()));
        return labels;
    }

    /** The Secret Helm 3's driver would create for this payload, with Helm Warden's own annotations. */
    public static Secret secret(String namespace, String release, int revision, String status, String payload,
            Instant createdAt, Map<String, String> annotations) {
        return new SecretBuilder()
                .withNewMetadata().withName(secretName(release, revision)).withNamespace(namespace)
                .withLabels(labels(release, revision, status, createdAt)).withAnnotations(annotations).endMetadata()
                .withType(TYPE)
                .withData(Map.of("release", Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.US_ASCII))))
                .build();
    }
}
