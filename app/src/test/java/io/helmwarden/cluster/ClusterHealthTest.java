package io.helmwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ClusterHealthTest {

    @Test
    void describesFailuresInWordsPeopleCanActOn() {
        assertThat(ClusterHealth.describe(new KubernetesClientException("boom", 401, null)))
                .startsWith("HTTP 401 Unauthorized");
        assertThat(ClusterHealth.describe(new KubernetesClientException("boom", 403, null)))
                .startsWith("HTTP 403 Forbidden");
        assertThat(ClusterHealth.describe(new KubernetesClientException("wrapped", new ConnectException("Connection refused"))))
                .isEqualTo("connection refused: nothing answers at the API server address");
        assertThat(ClusterHealth.describe(new RuntimeException(new UnknownHostException("api.nowhere.example"))))
                .isEqualTo("unknown host: api.nowhere.example");
        assertThat(ClusterHealth.describe(new IllegalStateException("x".repeat(2000)))).hasSizeLessThan(520);
    }
}
