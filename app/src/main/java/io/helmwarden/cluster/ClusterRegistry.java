package io.helmwarden.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/** Every cluster Helm Warden watches, each with one client, in configuration order. */
@Component
public class ClusterRegistry implements DisposableBean {

    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    /** Clients this registry created; contributors of additional clusters close their own. */
    private final List<Cluster> configured = new ArrayList<>();

    ClusterRegistry(ClusterProperties properties, ObjectProvider<AdditionalClusters> additional) {
        for (ClusterProperties.Definition definition : properties.clusters()) {
            Cluster cluster = connect(definition, properties);
            configured.add(cluster);
            register(cluster);
        }
        additional.orderedStream().flatMap(contribution -> contribution.clusters().stream()).forEach(this::register);
    }

    public List<Cluster> all() {
        return List.copyOf(clusters.values());
    }

    public Optional<Cluster> find(String id) {
        return Optional.ofNullable(clusters.get(id));
    }

    /** The seam to read a cluster's objects through with Helm Warden's own identity; empty when no cluster has that id. */
    public Optional<ClusterObjects> objects(String id) {
        return find(id).map(cluster -> ClusterObjects.of(cluster.id(), cluster.client()));
    }

    /**
     * The seam to write a cluster's objects through on a person's behalf: as that person where the cluster acts as
     * persons, with Helm Warden's own identity where it does not. Close it when done (it may hold a client of its
     * own).
     *
     * @throws NoPersonToActAs when the cluster acts as persons and no person is known
     */
    public Optional<ClusterObjects> objectsFor(String id, Optional<ClusterIdentity> person) {
        return find(id).map(cluster -> {
            if (cluster.actAs() == ActAs.HELM_WARDEN) {
                return ClusterObjects.of(cluster.id(), cluster.client());
            }
            return ClusterObjects.actingAs(cluster.id(), cluster.client(), person.orElseThrow(() ->
                    new NoPersonToActAs("cluster " + cluster.id() + " acts as the signed-in person, and this run"
                            + " was started without one (an ID token without the user-name claim?)")));
        });
    }

    private void register(Cluster cluster) {
        if (clusters.putIfAbsent(cluster.id(), cluster) != null) {
            throw new IllegalStateException("two clusters are configured with the id '" + cluster.id() + "'");
        }
    }

    private static Cluster connect(ClusterProperties.Definition definition, ClusterProperties properties) {
        if (!StringUtils.hasText(definition.id()) || !definition.id().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw new IllegalStateException("helmwarden.clusters: id '" + definition.id()
                    + "' must be lower-case letters, digits and dashes");
        }
        boolean kubeconfig = StringUtils.hasText(definition.kubeconfig());
        if (kubeconfig == definition.inCluster()) {
            throw new IllegalStateException("helmwarden.clusters[" + definition.id()
                    + "]: set either kubeconfig (with an optional context) or in-cluster: true");
        }
        Config base;
        String source;
        if (kubeconfig) {
            File file = new File(definition.kubeconfig());
            if (!file.canRead()) {
                throw new IllegalStateException("helmwarden.clusters[" + definition.id() + "]: cannot read kubeconfig "
                        + file.getAbsolutePath());
            }
            base = Config.fromKubeconfig(definition.context(), file);
            source = "kubeconfig " + file + (definition.context() != null ? ", context " + definition.context() : "");
        } else {
            // Reads the pod's service-account token, CA and KUBERNETES_SERVICE_* variables.
            base = Config.autoConfigure(null);
            source = "in-cluster service account";
        }
        Config config = new ConfigBuilder(base)
                .withRequestTimeout((int) properties.requestTimeout().toMillis())
                .withConnectionTimeout((int) properties.requestTimeout().toMillis())
                .build();
        String name = StringUtils.hasText(definition.displayName()) ? definition.displayName() : definition.id();
        return new Cluster(definition.id(), name, source, config.getMasterUrl(),
                new KubernetesClientBuilder().withConfig(config).build(), definition.actAs());
    }

    @Override
    public void destroy() {
        configured.forEach(cluster -> cluster.client().close());
    }
}
