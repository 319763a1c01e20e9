package io.helmwarden.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A cluster Helm Warden watches, with the client that reaches it.
 *
 * @param source where the connection comes from, for people (never a credential)
 */
public record Cluster(String id, String displayName, String source, String apiServer, KubernetesClient client) {
}
