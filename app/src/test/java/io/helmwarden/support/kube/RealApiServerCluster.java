package io.helmwarden.support.kube;

import io.helmwarden.cluster.AdditionalClusters;
import io.helmwarden.cluster.Cluster;
import java.util.List;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The shared test API server as the app's cluster "real", watched with the admin's client. */
@TestConfiguration
public class RealApiServerCluster {

    @Bean
    AdditionalClusters realApiServer() {
        KubeApiServer server = KubeApiServer.shared();
        return () -> List.of(new Cluster("real", "Real API server", "test kube-apiserver", server.url(),
                server.adminClient()));
    }
}
