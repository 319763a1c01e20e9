package io.helmwarden.remediation;

import io.helmwarden.inventory.Tiller;
import java.util.List;
import java.util.Map;

/**
 * What a Tiller's remediation plan is computed from: the inventory's Tiller and what the organisation decided.
 *
 * @param teamNamespaces    the namespaces the Tiller's team owns on its cluster (restrict-scope's new scope)
 * @param releaseNamespaces each release's target namespace, as far as decoded
 */
public record PlanInput(Tiller tiller, Settings settings, List<String> teamNamespaces, Map<String, String> releaseNamespaces) {

    public PlanInput(Tiller tiller, Settings settings) {
        this(tiller, settings, List.of(), Map.of());
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
