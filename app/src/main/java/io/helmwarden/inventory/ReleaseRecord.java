package io.helmwarden.inventory;

import java.time.Instant;
import java.util.Optional;

/**
 * One stored revision of a Helm 2 release, from its object's labels; the payload stays in the cluster.
 *
 * @param kind           ConfigMap or Secret
 * @param revision       from the VERSION label, else the record's name ({@code <release>.v<revision>}), else
 *                       the decoded payload; 0 when none says
 * @param revisionSource which of those gave it, in words
 * @param modifiedAt     CREATED_AT or MODIFIED_AT label, when present
 * @param summary        what decoding the payload told, when it has been decoded
 */
public record ReleaseRecord(String kind, String objectName, String uid, String resourceVersion, String release,
        int revision, String revisionSource, String status, Optional<Instant> modifiedAt,
        Optional<ReleaseSummary> summary) {

    public static final String FROM_LABEL = "VERSION label";
    public static final String FROM_NAME = "record name";
    public static final String FROM_PAYLOAD = "payload";

    public boolean revisionFromLabel() {
        return FROM_LABEL.equals(revisionSource);
    }

    /** Whether the payload was decoded and could not be read. */
    public boolean unreadable() {
        return summary.map(s -> !s.readable()).orElse(false);
    }

    /** When the payload's own revision differs from the one shown, in words: Tiller trusts the label. */
    public Optional<String> revisionDisagreement() {
        return summary.filter(ReleaseSummary::readable).map(ReleaseSummary::revision)
                .filter(fromPayload -> fromPayload > 0 && fromPayload != revision)
                .map(fromPayload -> "the " + revisionSource + " says " + revision + ", the payload says " + fromPayload);
    }
}
