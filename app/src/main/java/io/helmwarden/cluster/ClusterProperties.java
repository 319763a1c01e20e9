package io.helmwarden.cluster;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The clusters Helm Warden watches ({@code helmwarden.clusters}), each reached through a kubeconfig
 * context or, when the dashboard runs inside that cluster, its own service account.
 */
@ConfigurationProperties("helmwarden")
public record ClusterProperties(@DefaultValue List<Definition> clusters,
        @DefaultValue("15s") Duration probeInterval,
        @DefaultValue("5s") Duration requestTimeout) {

    /**
     * One cluster. Exactly one of {@code kubeconfig} (with an optional {@code context}; the file's current
     * context otherwise) and {@code inCluster} says how to reach it.
     *
     * @param actAs whose identity writes go out with: the signed-in person's (the default) or Helm Warden's own
     */
    public record Definition(String id, String displayName, String kubeconfig, String context,
            @DefaultValue("false") boolean inCluster, @DefaultValue("person") ActAs actAs) {
    }
}
