package io.helmwarden.check;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The fleet's own judgement, kept apart from the checks ({@code helmwarden.checks}): severity overrides,
 * exemptions, and the certificate warning period. Exemptions can also be annotations on the Tiller's
 * workload: {@code helm-warden.io/exempt: <check ids, comma-separated>} with
 * {@code helm-warden.io/exempt-reason: <why>}.
 *
 * @param directory a folder of check YAML files replacing the built-in catalog (empty: built-in)
 */
@ConfigurationProperties("helmwarden.checks")
public record CheckPolicy(@DefaultValue Map<String, Severity> severityOverrides, @DefaultValue List<Exemption> exemptions,
        @DefaultValue("30d") Duration certificateExpiryWarning, @DefaultValue("") String directory) {

    public static final String EXEMPT_ANNOTATION = "helm-warden.io/exempt";
    public static final String EXEMPT_REASON_ANNOTATION = "helm-warden.io/exempt-reason";

    /**
     * Accepts a check's findings where it matches; an empty cluster or namespace matches any.
     */
    public record Exemption(String check, @DefaultValue("") String cluster, @DefaultValue("") String namespace,
            String reason) {

        boolean covers(String checkId, String findingCluster, String findingNamespace) {
            return check.equals(checkId) && (cluster.isEmpty() || cluster.equals(findingCluster))
                    && (namespace.isEmpty() || namespace.equals(findingNamespace));
        }
    }
}
