package io.helmwarden.inventory;

import java.time.Instant;
import java.util.Optional;

/**
 * One stored revision of a Helm 2 release, from its object's labels; the payload stays in the cluster.
 *
 * @param kind       ConfigMap or Secret
 * @param modifiedAt CREATED_AT or MODIFIED_AT label, when present
 * @param summary    what decoding the payload told, when it has been decoded
 */
public record ReleaseRecord(String kind, String objectName, String uid, String resourceVersion, String release,
        int revision, String status, Optional<Instant> modifiedAt, Optional<ReleaseSummary> summary) {
}
