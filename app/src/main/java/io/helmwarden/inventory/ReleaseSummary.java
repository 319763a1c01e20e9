package io.helmwarden.inventory;

import java.time.Instant;
import java.util.Optional;

/**
 * What a decoded release payload says, without its values (only whether any were supplied), or why it
 * could not be read.
 *
 * @param revision the payload's own {@code version} field (0 when unreadable or unset)
 */
public record ReleaseSummary(Optional<String> unreadable, String targetNamespace, String chart, String chartVersion,
        String appVersion, Optional<Instant> firstDeployed, Optional<Instant> lastDeployed, String description,
        boolean valuesSupplied, int revision) {

    public static ReleaseSummary unreadable(String reason) {
        return new ReleaseSummary(Optional.of(reason), "", "", "", "", Optional.empty(), Optional.empty(), "", false, 0);
    }

    public boolean readable() {
        return unreadable.isEmpty();
    }
}
