package io.helmwarden.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Fetches one release record's payload on demand: payloads are never cached with the rest of a cluster's
 * state, and are returned as the base64 string Tiller wrote (a Secret's bytes already decoded once).
 */
@Component
public class ReleasePayloads {

    private final ClusterRegistry registry;

    ReleasePayloads(ClusterRegistry registry) {
        this.registry = registry;
    }

    public Optional<String> fetch(String clusterId, String kind, String namespace, String name) {
        var client = registry.find(clusterId).orElseThrow(() -> new IllegalArgumentException("no cluster " + clusterId))
                .client();
        if ("Secret".equals(kind)) {
            return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get())
                    .map(secret -> secret.getData() == null ? null : secret.getData().get("release"))
                    .map(value -> new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII));
        }
        return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get())
                .map(configMap -> configMap.getData() == null ? null : configMap.getData().get("release"));
    }
}
