package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.cluster.KubeObjects;
import io.helmwarden.cluster.SecretData;
import io.helmwarden.inventory.TillerContainer;
import io.helmwarden.pki.CertificateAuthorities;
import io.helmwarden.pki.IssuedCertificate;
import io.helmwarden.remediation.RunParameters.Key;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The steps of the remediations for Tiller's endpoint — TLS, the address it listens on, the Services and
 * network policy in front of it — and its history, against the API server through {@link ClusterObjects}
 * (who Tiller is and who may drive it is {@link TillerRights}). Each step is idempotent (run again after a crash, it finds its work done) and changes
 * only what it must: the Deployment is edited from the object just read and written back with that
 * resourceVersion, so every other field, flag and env var stays as it was.
 */
final class TillerHardening {

    static final String ISSUED_BY_RUN_ANNOTATION = "helm-warden.io/issued-by-run";
    static final String TLS_SERIAL_ANNOTATION = "helm-warden.io/tls-serial";
    static final String MANAGED_LABEL = "app.kubernetes.io/managed-by";
    private static final String CERTS_VOLUME = "tiller-certs";

    private final ClusterObjects cluster;
    private final RemediationRun run;
    private final CertificateAuthorities certificates;
    private final RunParameters parameters;

    TillerHardening(StepContext context) {
        this.cluster = context.cluster();
        this.run = context.run();
        this.certificates = context.certificates();
        this.parameters = run.parameters();
    }

    /** Writes the server certificate, or (verify-only) adds Helm Warden's CA to the Tiller's own. */
    String certificate() {
        return "verify-only".equals(parameters.text(Key.MODE).orElse("")) ? addCa() : writeCertificate();
    }

    /** Issues a server certificate and writes it with its CA; a resumed run finds the Secret it wrote. */
    private String writeCertificate() {
        String name = parameters.required(Key.SECRET);
        Optional<Secret> existing = cluster.secrets().get(run.namespace(), name);
        if (existing.isPresent() && writtenByThisRun(existing.get())) {
            return "Secret " + name + " already holds this run's certificate (serial " + serial(existing.get()) + ")";
        }
        IssuedCertificate server = certificates.issueServer(run.tillerId(), run.namespace(), run.requestedBy());
        Map<String, String> data = new HashMap<>();
        data.put("tls.crt", SecretData.encode(server.certificatePem()));
        data.put("tls.key", SecretData.encode(server.privateKeyPem()));
        data.put("ca.crt", SecretData.encode(certificates.caCertificatePem(run.tillerId())));
        if (existing.isEmpty()) {
            cluster.secrets().create(new SecretBuilder()
                    .withNewMetadata().withName(name).withNamespace(run.namespace())
                    .addToLabels(MANAGED_LABEL, "helm-warden").addToLabels("app", "helm").addToLabels("name", "tiller")
                    .addToAnnotations(ISSUED_BY_RUN_ANNOTATION, run.id()).endMetadata()
                    .withType("Opaque").withData(data).build());
        } else {
            cluster.secrets().update(new SecretBuilder(existing.get()).withData(data).editMetadata()
                    .addToAnnotations(ISSUED_BY_RUN_ANNOTATION, run.id()).endMetadata().build());
        }
        return "Secret " + name + ": server certificate serial " + server.serial() + " valid until "
                + server.certificate().getNotAfter().toInstant() + ", with Helm Warden's CA as ca.crt";
    }

    /** A Tiller with TLS but no verification keeps its certificate; our CA becomes the one clients are checked by. */
    private String addCa() {
        String name = parameters.required(Key.SECRET);
        Secret existing = cluster.secrets().require(run.namespace(), name);
        if (writtenByThisRun(existing)) {
            return "Secret " + name + " already holds Helm Warden's CA";
        }
        cluster.secrets().update(new SecretBuilder(existing)
                .addToData("ca.crt", SecretData.encode(certificates.caCertificatePem(run.tillerId())))
                .editMetadata().addToAnnotations(ISSUED_BY_RUN_ANNOTATION, run.id()).endMetadata().build());
        return "Secret " + name + ": ca.crt = Helm Warden's CA; tls.crt and tls.key kept";
    }

    String configureTls() {
        String name = parameters.required(Key.SECRET);
        Secret secret = cluster.secrets().get(run.namespace(), name)
                .filter(s -> s.getData() != null && s.getData().containsKey("ca.crt"))
                .orElseThrow(() -> new StepFailed("Secret " + run.namespace() + "/" + name + " has no ca.crt"));
        String serial = serial(secret);
        boolean full = "full".equals(parameters.text(Key.MODE).orElse(""));
        return editDeployment(deployment -> {
            var pod = deployment.getSpec().getTemplate();
            Container container = tillerContainer(deployment);
            if (full) {
                var volumes = pod.getSpec().getVolumes();
                String volume = volumes.stream().filter(v -> v.getSecret() != null && name.equals(v.getSecret().getSecretName()))
                        .map(v -> v.getName()).findFirst().orElse(null);
                if (volume == null) {
                    volume = CERTS_VOLUME;
                    volumes.add(new VolumeBuilder().withName(volume).withNewSecret().withSecretName(name).endSecret().build());
                }
                String mounted = volume;
                container.getVolumeMounts().removeIf(m -> TillerPlans.CERTS_DIR.equals(m.getMountPath())
                        && !m.getName().equals(mounted));
                if (container.getVolumeMounts().stream().noneMatch(m -> TillerPlans.CERTS_DIR.equals(m.getMountPath()))) {
                    container.getVolumeMounts().add(new VolumeMountBuilder().withName(volume)
                            .withMountPath(TillerPlans.CERTS_DIR).withReadOnly(true).build());
                }
                setEnv(container, "TILLER_TLS_ENABLE", "1");
                setEnv(container, "TILLER_TLS_CERTS", TillerPlans.CERTS_DIR);
                TillerFlagRewriter.setBooleanIfWritten(container, "tls");
            }
            // Tiller takes a set-but-empty TILLER_TLS_VERIFY as false: the value must be non-empty.
            setEnv(container, "TILLER_TLS_VERIFY", "1");
            TillerFlagRewriter.setBooleanIfWritten(container, "tls-verify");
            // Tiller reads its certificate at start: a changed serial rolls the pods.
            pod.getMetadata().getAnnotations().put(TLS_SERIAL_ANNOTATION, serial);
        }, (full ? "certificate mounted at " + TillerPlans.CERTS_DIR + ", TLS on, " : "") + "client verification on"
                + ", pods restarted with certificate serial " + serial);
    }

    String listenOnLoopback() {
        return editTiller(container -> TillerFlagRewriter.set(container, "listen", TillerPlans.LOOPBACK_LISTEN),
                "listens on " + TillerPlans.LOOPBACK_LISTEN);
    }

    String services() {
        boolean keep = parameters.flag(Key.KEEP_SERVICE);
        List<String> done = new ArrayList<>();
        for (String name : parameters.list(Key.SERVICES)) {
            Optional<Service> service = cluster.services().get(run.namespace(), name);
            if (service.isEmpty()) {
                done.add(name + " already gone");
            } else if (!keep) {
                cluster.services().delete(run.namespace(), name);
                done.add(name + " deleted");
            } else if ("ClusterIP".equals(service.get().getSpec().getType())) {
                done.add(name + " already ClusterIP");
            } else {
                var spec = service.get().getSpec();
                spec.setType("ClusterIP");
                spec.getPorts().forEach(port -> port.setNodePort(null));
                spec.setExternalTrafficPolicy(null);
                spec.setLoadBalancerSourceRanges(null);
                spec.setExternalIPs(null);
                cluster.services().update(service.get());
                done.add(name + " turned into ClusterIP");
            }
        }
        return String.join("; ", done);
    }

    String networkPolicy() {
        if (cluster.networkPolicies().get(run.namespace(), TillerPlans.NETWORK_POLICY).isPresent()) {
            return "NetworkPolicy " + TillerPlans.NETWORK_POLICY + " already there";
        }
        Map<String, String> selector = deployment().getSpec().getSelector().getMatchLabels();
        cluster.networkPolicies().create(new NetworkPolicyBuilder()
                .withNewMetadata().withName(TillerPlans.NETWORK_POLICY).withNamespace(run.namespace())
                .addToLabels(MANAGED_LABEL, "helm-warden").endMetadata()
                .withNewSpec().withNewPodSelector().withMatchLabels(selector).endPodSelector()
                .withPolicyTypes("Ingress").endSpec().build());
        return "NetworkPolicy " + TillerPlans.NETWORK_POLICY + " denies all ingress to pods " + selector;
    }

    String history() {
        String max = parameters.required(Key.HISTORY_MAX);
        return editTiller(container -> {
            if (TillerFlagRewriter.written(container, "history-max")) {
                TillerFlagRewriter.set(container, "history-max", max);
            } else {
                setEnv(container, "TILLER_HISTORY_MAX", max);
            }
        }, "at most " + max + " revisions per release");
    }















    private String editTiller(Consumer<Container> edit, String done) {
        return editDeployment(deployment -> edit.accept(tillerContainer(deployment)), done);
    }

    private static Container tillerContainer(Deployment deployment) {
        return TillerContainer.of(deployment.getSpec().getTemplate().getSpec()).orElseThrow();
    }

    /** Edits the Tiller's Deployment as read now; "already so" when the edit changes nothing. */
    private String editDeployment(Consumer<Deployment> edit, String done) {
        return cluster.deployments().edit(run.namespace(), run.tillerName(), TillerHardening::normalize, edit)
                == KubeObjects.Edit.UNCHANGED ? "already so: " + done : done;
    }

    /** Lists and maps the edits add to: empty ones instead of null, which the API server stores the same. */
    private static void normalize(Deployment deployment) {
        var pod = deployment.getSpec().getTemplate();
        if (pod.getMetadata() == null) {
            pod.setMetadata(new ObjectMeta());
        }
        if (pod.getMetadata().getAnnotations() == null) {
            pod.getMetadata().setAnnotations(new HashMap<>());
        }
        if (pod.getSpec().getVolumes() == null) {
            pod.getSpec().setVolumes(new ArrayList<>());
        }
        for (Container container : pod.getSpec().getContainers()) {
            if (container.getEnv() == null) {
                container.setEnv(new ArrayList<>());
            }
            if (container.getVolumeMounts() == null) {
                container.setVolumeMounts(new ArrayList<>());
            }
        }
    }

    private Deployment deployment() {
        return cluster.deployments().require(run.namespace(), run.tillerName());
    }

    private static void setEnv(Container container, String name, String value) {
        var existing = container.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst();
        if (existing.isPresent()) {
            existing.get().setValue(value);
            existing.get().setValueFrom(null);
        } else {
            container.getEnv().add(new EnvVar(name, value, null));
        }
    }


    private boolean writtenByThisRun(Secret secret) {
        var annotations = secret.getMetadata().getAnnotations();
        return annotations != null && run.id().equals(annotations.get(ISSUED_BY_RUN_ANNOTATION));
    }

    private static String serial(Secret secret) {
        if (secret.getData() == null || !secret.getData().containsKey("tls.crt")) {
            throw new StepFailed("Secret " + secret.getMetadata().getName() + " has no tls.crt");
        }
        try {
            byte[] pem = SecretData.bytes(secret, "tls.crt").orElseThrow();
            var certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem));
            return certificate.getSerialNumber().toString(16);
        } catch (CertificateException | IllegalArgumentException e) {
            throw new StepFailed("Secret " + secret.getMetadata().getName()
                    + " holds no readable certificate: " + e.getMessage());
        }
    }
}
