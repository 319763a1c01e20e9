package io.helmwarden.helminit;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.helmwarden.pki.IssuedCertificate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects {@code helm init} (Helm 2.17) puts into a cluster, for the flags it was given: Deployment
 * and Service {@code tiller-deploy}, and with TLS the Secret {@code tiller-secret}. Like {@code helm
 * init} it sets no container command or args unless overridden ({@code --override}).
 */
public final class HelmInit {

    public static final String DEPLOYMENT_NAME = "tiller-deploy";
    public static final String TLS_SECRET_NAME = "tiller-secret";
    public static final Map<String, String> LABELS = Map.of("app", "helm", "name", "tiller");
    public static final String DEFAULT_IMAGE = "ghcr.io/helm/tiller:v2.17.0";
    public static final int GRPC_PORT = 44134;
    public static final int PROBE_PORT = 44135;

    private final String namespace;
    private String image = DEFAULT_IMAGE;
    private String serviceAccount = "";
    private Boolean automountServiceAccountToken;
    private IssuedCertificate serverCertificate;
    private String caCertificatePem;
    private List<String> command = List.of();
    private List<String> args = List.of();
    private int historyMax;
    private String serviceType = "ClusterIP";
    private boolean verifyWithExistingSecret;

    /** {@code helm init --tiller-namespace namespace}. */
    public HelmInit(String namespace) {
        this.namespace = namespace;
    }

    /** {@code --tiller-image}. */
    public HelmInit image(String image) {
        this.image = image;
        return this;
    }

    /** {@code --service-account}. */
    public HelmInit serviceAccount(String serviceAccount) {
        this.serviceAccount = serviceAccount;
        return this;
    }

    /** {@code --automount-service-account-token}. */
    public HelmInit automountServiceAccountToken(boolean automount) {
        this.automountServiceAccountToken = automount;
        return this;
    }

    /** {@code --tiller-tls}: TLS without client verification (TILLER_TLS_VERIFY set, but empty). */
    public HelmInit tls(IssuedCertificate serverCertificate) {
        this.serverCertificate = serverCertificate;
        this.caCertificatePem = null;
        return this;
    }

    /** {@code --tiller-tls-verify}: TLS that requires client certificates signed by this CA. */
    public HelmInit tlsVerify(IssuedCertificate serverCertificate, String caCertificatePem) {
        this.serverCertificate = serverCertificate;
        this.caCertificatePem = caCertificatePem;
        return this;
    }

    /** {@code --override spec.template.spec.containers[0].command=...}. */
    public HelmInit command(String... command) {
        this.command = List.of(command);
        return this;
    }

    /** {@code --override spec.template.spec.containers[0].args=...}. */
    public HelmInit args(String... args) {
        this.args = List.of(args);
        return this;
    }

    /** {@code --history-max}. */
    public HelmInit historyMax(int historyMax) {
        this.historyMax = historyMax;
        return this;
    }

    /**
     * TLS with client verification from a {@code tiller-secret} written separately (tls.crt, tls.key,
     * ca.crt): the pod is configured as {@code --tiller-tls-verify} configures it, no Secret object is made.
     */
    public HelmInit tlsVerifyWithExistingSecret() {
        this.verifyWithExistingSecret = true;
        return this;
    }

    /** The Service type someone changed it to; {@code null} when the Service was deleted. */
    public HelmInit serviceType(String serviceType) {
        this.serviceType = serviceType;
        return this;
    }

    public String namespace() {
        return namespace;
    }

    public List<HasMetadata> objects() {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(deployment());
        if (serviceType != null) {
            objects.add(new ServiceBuilder()
                    .withNewMetadata().withName(DEPLOYMENT_NAME).withNamespace(namespace).withLabels(LABELS)
                    .endMetadata()
                    .withNewSpec().withType(serviceType).withSelector(LABELS)
                    .addNewPort().withName("tiller").withProtocol("TCP").withPort(GRPC_PORT)
                    .withTargetPort(new IntOrString("tiller"))
                    .endPort()
                    .endSpec().build());
        }
        if (serverCertificate != null) {
            Map<String, String> data = new LinkedHashMap<>();
            data.put("tls.crt", base64(serverCertificate.certificatePem()));
            data.put("tls.key", base64(serverCertificate.privateKeyPem()));
            if (caCertificatePem != null) {
                data.put("ca.crt", base64(caCertificatePem));
            }
            objects.add(new SecretBuilder()
                    .withNewMetadata().withName(TLS_SECRET_NAME).withNamespace(namespace).withLabels(LABELS)
                    .endMetadata()
                    .withType("Opaque").withData(data).build());
        }
        return objects;
    }

    public Deployment deployment() {
        return new DeploymentBuilder()
                .withNewMetadata().withName(DEPLOYMENT_NAME).withNamespace(namespace).withLabels(LABELS).endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector().withMatchLabels(LABELS).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(LABELS).endMetadata()
                .withSpec(podSpec())
                .endTemplate()
                .endSpec()
                .build();
    }

    public PodSpec podSpec() {
        boolean tlsOn = serverCertificate != null || verifyWithExistingSecret;
        boolean verify = caCertificatePem != null || verifyWithExistingSecret;
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("TILLER_NAMESPACE", namespace, null));
        env.add(new EnvVar("TILLER_HISTORY_MAX", Integer.toString(historyMax), null));
        if (tlsOn) {
            env.add(new EnvVar("TILLER_TLS_VERIFY", verify ? "1" : "", null));
            env.add(new EnvVar("TILLER_TLS_ENABLE", "1", null));
            env.add(new EnvVar("TILLER_TLS_CERTS", "/etc/certs", null));
        }
        var container = new ContainerBuilder()
                .withName("tiller").withImage(image).withImagePullPolicy("IfNotPresent")
                .withCommand(command.isEmpty() ? null : command)
                .withArgs(args.isEmpty() ? null : args)
                .addNewPort().withName("tiller").withProtocol("TCP").withContainerPort(GRPC_PORT).endPort()
                .addNewPort().withName("http").withProtocol("TCP").withContainerPort(PROBE_PORT).endPort()
                .withEnv(env)
                .withNewLivenessProbe().withNewHttpGet().withPath("/liveness").withPort(new IntOrString(PROBE_PORT))
                .endHttpGet().withInitialDelaySeconds(1).withTimeoutSeconds(1).endLivenessProbe()
                .withNewReadinessProbe().withNewHttpGet().withPath("/readiness").withPort(new IntOrString(PROBE_PORT))
                .endHttpGet().withInitialDelaySeconds(1).withTimeoutSeconds(1).endReadinessProbe();
        if (tlsOn) {
            container.addNewVolumeMount().withName("tiller-certs").withMountPath("/etc/certs").withReadOnly(true)
                    .endVolumeMount();
        }
        var spec = new PodSpecBuilder()
                .withContainers(container.build())
                .withServiceAccountName(serviceAccount.isEmpty() ? null : serviceAccount)
                .withAutomountServiceAccountToken(automountServiceAccountToken);
        if (tlsOn) {
            spec.addNewVolume().withName("tiller-certs").withNewSecret().withSecretName(TLS_SECRET_NAME).endSecret()
                    .endVolume();
        }
        return spec.build();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
