package io.helmwarden.remediation;

import io.helmwarden.inventory.Tiller;
import java.util.List;
import java.util.Map;

/**
 * What a Tiller's remediation plan is computed from: the inventory's Tiller and what the organisation decided.
 *
 * @param teamNamespaces    the namespaces the Tiller's team owns on its cluster (restrict-scope's new scope)
 * @param releaseNamespaces each release's target namespace, as far as decoded
 * @param conversion        what converting the Tiller's releases to Helm 3 would write (read from the cluster)
 */
public record PlanInput(Tiller tiller, Settings settings, List<String> teamNamespaces, Map<String, String> releaseNamespaces,
        java.util.Optional<Helm3Survey.Preview> conversion) {

    public PlanInput(Tiller tiller, Settings settings) {
        this(tiller, settings, List.of(), Map.of());
    }

    public PlanInput(Tiller tiller, Settings settings, List<String> teamNamespaces, Map<String, String> releaseNamespaces) {
        this(tiller, settings, teamNamespaces, releaseNamespaces, java.util.Optional.empty());
    }

    /**
     * What the organisation decided, from configuration.
     *
     * @param certificatesConfigured whether a CA key-encryption key is set (TLS remediations need it)
     */
    public record Settings(int historyMax, boolean keepService, boolean certificatesConfigured) {

        public Settings(int historyMax, boolean keepService) {
            this(historyMax, keepService, true);
        }
    }
}
