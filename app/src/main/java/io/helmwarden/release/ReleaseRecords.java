package io.helmwarden.release;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.helmwarden.release.hapi.release.Release;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * The objects Tiller's storage drivers write: one per release revision, named
 * {@code <release>.v<revision>}, labelled so Tiller (and we) can list them without decoding.
 */
public final class ReleaseRecords {

    public static final String PAYLOAD_KEY = "release";
    public static final String OWNER_LABEL = "OWNER";
    public static final String OWNER_TILLER = "TILLER";
    public static final String NAME_LABEL = "NAME";
    public static final String STATUS_LABEL = "STATUS";
    public static final String VERSION_LABEL = "VERSION";
    public static final String CREATED_AT_LABEL = "CREATED_AT";
    public static final String MODIFIED_AT_LABEL = "MODIFIED_AT";

    private ReleaseRecords() {
    }

    public static String recordName(String release, int revision) {
        return release + ".v" + revision;
    }

    /** The record Tiller's driver for {@code storage} creates for a new revision. */
    public static HasMetadata create(Release release, ReleaseStorage storage, String tillerNamespace,
            Instant createdAt) {
        var labels = Map.of(
                OWNER_LABEL, OWNER_TILLER,
                NAME_LABEL, release.getName(),
                STATUS_LABEL, release.getInfo().getStatus().getCode().name(),
                VERSION_LABEL, Integer.toString(release.getVersion()),
                CREATED_AT_LABEL, Long.toString(createdAt.getEpochSecond()));
        String name = recordName(release.getName(), release.getVersion());
        String payload = ReleaseRecordCodec.encode(release);
        return switch (storage) {
            case CONFIGMAP -> new ConfigMapBuilder()
                    .withNewMetadata().withName(name).withNamespace(tillerNamespace).withLabels(labels).endMetadata()
                    .withData(Map.of(PAYLOAD_KEY, payload))
                    .build();
            // The Secret driver stores the same base64 string as the Secret's bytes, so the API shows
            // it base64-encoded once more. Tiller sets no type (the API defaults it to Opaque).
            case SECRET -> new SecretBuilder()
                    .withNewMetadata().withName(name).withNamespace(tillerNamespace).withLabels(labels).endMetadata()
                    .withData(Map.of(PAYLOAD_KEY, Base64.getEncoder().encodeToString(
                            payload.getBytes(StandardCharsets.US_ASCII))))
                    .build();
        };
    }
}
