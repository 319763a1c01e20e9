package io.helmwarden.fleet.web;

import io.helmwarden.check.Severity;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.inventory.HelmVersion;
import io.helmwarden.inventory.Tiller;
import java.util.Map;
import java.util.stream.Collectors;

/** One Tiller as the fleet table shows it: badges worked out here, not in the template. */
public record TillerRow(ClusterInventory cluster, ClusterInventory.TillerState state) {

    public Tiller tiller() {
        return state.tiller();
    }

    public String scopeLabel() {
        var rbac = tiller().rbac();
        if (!rbac.clusterAdmin().isEmpty()) {
            return "cluster-admin";
        }
        if (rbac.scope().clusterWide()) {
            return "all namespaces";
        }
        int count = rbac.scope().namespaces().size();
        return count == 1 ? "1 namespace" : count + " namespaces";
    }

    public String scopeTone() {
        return tiller().rbac().clusterAdmin().isEmpty() && !tiller().rbac().scope().clusterWide() ? "ok" : "critical";
    }

    public String tlsLabel() {
        return !tiller().tls().enabled() ? "off" : tiller().tls().verify() ? "verify" : "on";
    }

    public String tlsTone() {
        return !tiller().tls().enabled() ? "critical" : tiller().tls().verify() ? "ok" : "high";
    }

    public String storageLabel() {
        var storage = tiller().storage();
        String base = switch (storage.backend()) {
            case "configmap" -> "ConfigMap";
            case "secret" -> "Secret";
            default -> storage.backend();
        };
        return storage.staleRecords() > 0 ? base + " + stale " + storage.staleKind() : base;
    }

    public String storageTone() {
        var storage = tiller().storage();
        return storage.inConfigMaps() ? "high" : storage.staleRecords() > 0 ? "medium" : "ok";
    }

    public String exposureLabel() {
        var exposure = tiller().exposure();
        String services = exposure.services().isEmpty() ? "no Service"
                : exposure.services().stream().map(Tiller.ExposingService::type).distinct()
                        .collect(Collectors.joining(", "));
        return services + " · " + (exposure.loopbackOnly() ? "127.0.0.1" : exposure.listen());
    }

    public String exposureTone() {
        var exposure = tiller().exposure();
        if (exposure.services().stream().anyMatch(Tiller.ExposingService::outsideCluster) || exposure.hostNetwork()) {
            return "critical";
        }
        return exposure.services().isEmpty() && exposure.loopbackOnly() ? "ok" : "medium";
    }

    public String version() {
        return tiller().version().map(HelmVersion::toString).orElse("unknown");
    }

    public Map<Severity, Long> findings() {
        return FleetController.countBySeverity(state.findings());
    }
}
