package io.helmwarden.demo;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.helmwarden.cluster.AdditionalClusters;
import io.helmwarden.cluster.Cluster;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * The demo's clusters: fabric8's mock API server in CRUD mode, in-process on loopback, one per cluster of
 * {@link DemoFleet}. A stand-in for real clusters in the demo only; the tests use a real API server.
 */
@Component
@ConditionalOnBooleanProperty("helmwarden.demo.enabled")
class DemoClusters implements AdditionalClusters, DisposableBean {

    private final List<KubernetesMockServer> servers = new ArrayList<>();
    private final List<Cluster> clusters = new ArrayList<>();

    DemoClusters(Clock clock) {
        for (DemoFleet.ClusterSeed seed : DemoFleet.clusters(clock.instant())) {
            // CRUD for objects, plus the expectation the server registers for /version.
            Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
            var server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
                    new KubernetesMixedDispatcher(expectations), false, version());
            // The demo's identity is the mock server's administrator: every access review says yes.
            server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
                    .andReturn(201, new SelfSubjectAccessReviewBuilder().withNewStatus().withAllowed(true).endStatus()
                            .build())
                    .always();
            server.init(InetAddress.getLoopbackAddress(), 0);
            servers.add(server);
            KubernetesClient client = server.createClient();
            // The mock server starts empty; a real one has these already (the API server bootstraps them).
            DemoFleet.createIn(client, List.of(namespace("default"), namespace("kube-system"),
                    clusterRole("cluster-admin", "*"), clusterRole("admin", "", "apps", "batch", "extensions",
                            "networking.k8s.io", "policy", "autoscaling"),
                    clusterRole("edit", "", "apps", "batch", "extensions", "networking.k8s.io", "policy", "autoscaling")));
            DemoFleet.createIn(client, seed.objects());
            clusters.add(new Cluster(seed.id(), seed.displayName(), "demo: in-process mock API server",
                    client.getMasterUrl().toString(), client));
        }
    }

    private static Namespace namespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
                .build();
    }

    /** A built-in ClusterRole as a cluster stores it (admin and edit after aggregation, simplified). */
    private static ClusterRole clusterRole(String name, String... apiGroups) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata()
                .addNewRule().withApiGroups(apiGroups).withResources("*").withVerbs("*").endRule()
                .build();
    }

    private static VersionInfo version() {
        return new VersionInfo.Builder().withMajor("1").withMinor("20").withGitVersion("v1.20.2-demo").build();
    }

    @Override
    public List<Cluster> clusters() {
        return List.copyOf(clusters);
    }

    @Override
    public void destroy() {
        clusters.forEach(cluster -> cluster.client().close());
        servers.forEach(KubernetesMockServer::destroy);
    }
}
