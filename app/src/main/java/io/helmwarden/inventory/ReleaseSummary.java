package io.helmwarden.inventory;

import java.time.Instant;
import java.util.Optional;

/**
 * What a decoded release payload says, without its values (only whether any were supplied), or why it
 * could not be read.
 */
public record ReleaseSummary(Optional<String> unreadable, String targetNamespace, String chart, String chartVersion,
        String appVersion, Optional<Instant> firstDeployed, Optional<Instant> lastDeployed, String description,
        boolean valuesSupplied) {

    public static ReleaseSummary unreadable(String reason) {
        return new ReleaseSummary(Optional.of(reason), "", "", "", "", Optional.empty(), Optional.empty(), "", false);
    }

    public boolean readable() {
        return unreadable.isEmpty();
    }
}
