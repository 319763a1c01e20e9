package io.helmwarden.remediation;

import io.helmwarden.check.CheckCatalog;
import io.helmwarden.check.RemediationGuide;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The checks' remediation ids against {@link RemediationKind}: every id a check names is a kind previewed on a
 * Tiller's page or one of {@link RemediationKind#DESCRIBED_ONLY}, else the start stops with the checks at fault
 * (a typo would silently turn a guided fix into a described one).
 */
@Component
public class RemediationCatalog implements RemediationGuide {

    RemediationCatalog(CheckCatalog checks) {
        List<String> unknown = checks.all().stream()
                .filter(check -> guided(check.remediation()).isEmpty()
                        && !RemediationKind.DESCRIBED_ONLY.contains(check.remediation()))
                .map(check -> check.id() + " (" + check.remediation() + ")").toList();
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("check definitions name remediations Helm Warden does not know: "
                    + String.join(", ", unknown) + "; known are " + RemediationKind.previewedKinds().stream()
                    .map(RemediationKind::id).toList() + " and, described only, " + RemediationKind.DESCRIBED_ONLY);
        }
    }

    @Override
    public Optional<Guided> guided(String remediationId) {
        return RemediationKind.of(remediationId).filter(RemediationKind::previewed)
                .map(kind -> new Guided(kind.id(), kind == RemediationKind.MIGRATE_STORAGE
                        ? "Plan the migration to Secrets" : "Plan the fix"));
    }
}
