package io.helmwarden.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A cluster Helm Warden watches, with the client that reaches it.
 *
 * @param source where the connection comes from, for people (never a credential)
 * @param actAs  whose identity writes go out with
 */
public record Cluster(String id, String displayName, String source, String apiServer, KubernetesClient client,
        ActAs actAs) {

    /** A cluster contributed by code (the demo's simulated ones): written to with Helm Warden's own identity. */
    public Cluster(String id, String displayName, String source, String apiServer, KubernetesClient client) {
        this(id, displayName, source, apiServer, client, ActAs.HELM_WARDEN);
    }
}
