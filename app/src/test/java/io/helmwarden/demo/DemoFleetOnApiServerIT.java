package io.helmwarden.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.release.ReleaseRecordCodec;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.support.kube.KubeApiServer;
import io.helmwarden.support.kube.KubeApiServerExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every object of the demo fleet is accepted by a real API server (validation, defaulting) and reads back
 * as Helm 2 would read it: release records decode, TLS material parses, flags survive.
 */
@ExtendWith(KubeApiServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoFleetOnApiServerIT {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    KubernetesClient admin;
    List<DemoFleet.ClusterSeed> fleet;

    @BeforeAll
    void seed(KubeApiServer server) {
        admin = server.adminClient();
        fleet = DemoFleet.clusters(NOW);
        // Both demo clusters fit in one API server: their namespaces and cluster-wide names differ.
        fleet.forEach(cluster -> DemoFleet.createIn(admin, cluster.objects()));
    }

    @Test
    void everyObjectRoundTripsThroughTheApiServer() {
        List<HasMetadata> objects = fleet.stream().flatMap(cluster -> cluster.objects().stream()).toList();
        assertThat(objects).hasSizeGreaterThan(60);
        for (HasMetadata object : objects) {
            HasMetadata stored = admin.resource(object).get();
            assertThat(stored).as(object.getKind() + " " + object.getMetadata().getName()).isNotNull();
            assertThat(stored.getMetadata().getUid()).isNotBlank();
            assertThat(stored.getMetadata().getLabels()).isEqualTo(object.getMetadata().getLabels());
        }
    }

    @Test
    void releaseRecordsInConfigMapsAndSecretsDecodeAsHelmWroteThem() throws Exception {
        var configMaps = admin.configMaps().inNamespace("kube-system").withLabel(ReleaseRecords.OWNER_LABEL, "TILLER")
                .list().getItems();
        assertThat(configMaps).extracting(cm -> cm.getMetadata().getName())
                .contains("ingress.v1", "ingress.v2", "ingress.v3", "sessions.v1", "cert-manager.v2");
        ConfigMap ingress = admin.configMaps().inNamespace("kube-system").withName("ingress.v3").get();
        Release release = ReleaseRecordCodec.decode(ingress.getData().get(ReleaseRecords.PAYLOAD_KEY));
        assertThat(release.getName()).isEqualTo("ingress");
        assertThat(release.getVersion()).isEqualTo(3);
        assertThat(release.getChart().getMetadata().getName()).isEqualTo("nginx-ingress");
        assertThat(ingress.getMetadata().getLabels()).containsEntry("STATUS", "DEPLOYED").containsEntry("VERSION", "3");

        Secret payments = admin.secrets().inNamespace("payments-tiller").withName("payments-api.v4").get();
        assertThat(payments.getType()).isEqualTo("Opaque");
        // The Secret driver stores the base64 payload as the Secret's bytes: decode twice.
        String payload = new String(Base64.getDecoder().decode(payments.getData().get(ReleaseRecords.PAYLOAD_KEY)),
                StandardCharsets.US_ASCII);
        Release fromSecret = ReleaseRecordCodec.decode(payload);
        assertThat(fromSecret.getNamespace()).isEqualTo("payments-prod");
        assertThat(fromSecret.getInfo().getStatus().getCode().name()).isEqualTo("DEPLOYED");
    }

    @Test
    void tillerFlagsAndTlsMaterialSurviveTheApiServer() throws Exception {
        Deployment search = admin.apps().deployments().inNamespace("search-tiller").withName(HelmInit.DEPLOYMENT_NAME).get();
        var env = search.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        // `helm init --tiller-tls`: the verify variable is present and EMPTY (which Tiller reads as false).
        assertThat(env).anySatisfy(var -> {
            assertThat(var.getName()).isEqualTo("TILLER_TLS_VERIFY");
            assertThat(var.getValue()).isNullOrEmpty();
        });
        Deployment data = admin.apps().deployments().inNamespace("data-tiller").withName(HelmInit.DEPLOYMENT_NAME).get();
        assertThat(data.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
                .containsExactly("/tiller", "--storage=secret", "-listen=0.0.0.0:44134");

        Secret tls = admin.secrets().inNamespace("data-tiller").withName(HelmInit.TLS_SECRET_NAME).get();
        assertThat(tls.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");
        X509Certificate expired = certificate(tls.getData().get("tls.crt"));
        assertThat(expired.getNotAfter().toInstant()).isBefore(NOW);
        X509Certificate soon = certificate(admin.secrets().inNamespace("search-tiller")
                .withName(HelmInit.TLS_SECRET_NAME).get().getData().get("tls.crt"));
        assertThat(soon.getNotAfter().toInstant()).isBetween(NOW, NOW.plusSeconds(30L * 24 * 3600));
        assertThat(soon.getSubjectAlternativeNames()).extracting(name -> (Object) name.get(1))
                .contains((Object) "127.0.0.1", "tiller-deploy.search-tiller.svc");
    }

    private static X509Certificate certificate(String base64Pem) throws Exception {
        byte[] pem = Base64.getDecoder().decode(base64Pem);
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem));
    }
}
