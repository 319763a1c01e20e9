package io.helmwarden.helminit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.helmwarden.pki.CertificateAuthority;
import io.helmwarden.pki.IssuedCertificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HelmInitTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final CertificateAuthority CA = CertificateAuthority.create("test CA", NOW, NOW.plus(Duration.ofDays(365)));
    static final IssuedCertificate SERVER = CA.issueServer("tiller", List.of("127.0.0.1", "tiller-deploy"), NOW,
            NOW.plus(Duration.ofDays(90)));

    @Test
    void plainHelmInitSetsNoCommandNoArgsAndOnlyTheTwoEnvVariables() {
        List<HasMetadata> objects = new HelmInit("kube-system").objects();
        assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Deployment", "Service");
        var container = ((Deployment) objects.get(0)).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getCommand()).isNullOrEmpty();
        assertThat(container.getArgs()).isNullOrEmpty();
        assertThat(env(objects)).containsExactly(Map.entry("TILLER_NAMESPACE", "kube-system"),
                Map.entry("TILLER_HISTORY_MAX", "0"));
        assertThat(((Deployment) objects.get(0)).getSpec().getTemplate().getSpec().getServiceAccountName()).isNull();
        var service = (Service) objects.get(1);
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> assertThat(port.getPort()).isEqualTo(44134));
    }

    @Test
    void tillerTlsAloneLeavesVerificationSetButEmpty() {
        List<HasMetadata> objects = new HelmInit("team").tls(SERVER).objects();
        assertThat(env(objects)).containsEntry("TILLER_TLS_VERIFY", "").containsEntry("TILLER_TLS_ENABLE", "1")
                .containsEntry("TILLER_TLS_CERTS", "/etc/certs");
        var secret = (Secret) objects.get(2);
        assertThat(secret.getMetadata().getName()).isEqualTo("tiller-secret");
        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key");
    }

    @Test
    void tillerTlsVerifyAddsTheCaAndANonEmptyVerifyFlag() {
        List<HasMetadata> objects = new HelmInit("team").tlsVerify(SERVER, CA.certificatePem()).objects();
        assertThat(env(objects)).containsEntry("TILLER_TLS_VERIFY", "1");
        assertThat(((Secret) objects.get(2)).getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
        var pod = ((Deployment) objects.get(0)).getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).singleElement()
                .satisfies(volume -> assertThat(volume.getSecret().getSecretName()).isEqualTo("tiller-secret"));
        assertThat(pod.getContainers().get(0).getVolumeMounts()).singleElement()
                .satisfies(mount -> assertThat(mount.getMountPath()).isEqualTo("/etc/certs"));
    }

    @Test
    void overridesLandInCommandOrArgsAndADeletedServiceIsAbsent() {
        var objects = new HelmInit("team").serviceAccount("tiller").serviceType(null)
                .command("/tiller", "--storage=secret").args("--listen=127.0.0.1:44134").objects();
        assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Deployment");
        var pod = ((Deployment) objects.get(0)).getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("tiller");
        assertThat(pod.getContainers().get(0).getCommand()).containsExactly("/tiller", "--storage=secret");
        assertThat(pod.getContainers().get(0).getArgs()).containsExactly("--listen=127.0.0.1:44134");
    }

    private static Map<String, String> env(List<HasMetadata> objects) {
        return ((Deployment) objects.get(0)).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, var -> var.getValue() == null ? "" : var.getValue(),
                        (a, b) -> a, LinkedHashMap::new));
    }
}
