package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.helmwarden.pki.CertificateAuthorities;
import io.helmwarden.pki.IssuedCertificate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The steps of the remediations for Tiller's endpoint and rights ({@link HardeningPlan.Kind}), against the
 * API server. Each step is idempotent (run again after a crash, it finds its work done) and changes only
 * what it must: the Deployment is edited in memory from the object just read and written back with that
 * resourceVersion, so every other field, flag and env var stays as it was, and a concurrent change makes the
 * write fail and the step re-read and decide again.
 */
final class TillerHardening implements RemediationSteps {

    static final String ISSUED_BY_RUN_ANNOTATION = "helm-warden.io/issued-by-run";
    static final String TLS_SERIAL_ANNOTATION = "helm-warden.io/tls-serial";
    private static final String CERTS_VOLUME = "tiller-certs";
    private static final String MANAGED_LABEL = "app.kubernetes.io/managed-by";

    private final KubernetesClient client;
    private final RemediationRun run;
    private final HardeningPlan.Kind kind;
    private final CertificateAuthorities certificates;
    private final Map<String, String> parameters;

    TillerHardening(KubernetesClient client, RemediationRun run, HardeningPlan.Kind kind,
            CertificateAuthorities certificates) {
        this.client = client;
        this.run = run;
        this.kind = kind;
        this.certificates = certificates;
        this.parameters = run.parameters();
    }

    @Override
    public String execute(String step) {
        return switch (step) {
            case "certificate" -> "verify-only".equals(parameters.get("mode")) ? addCa() : writeCertificate();
            case "configure" -> configureTls();
            case "listen" -> editTiller(container -> setFlag(container, "listen", HardeningPlan.LOOPBACK_LISTEN),
                    "listens on " + HardeningPlan.LOOPBACK_LISTEN);
            case "service" -> service();
            case "network-policy" -> networkPolicy();
            case "history" -> history();
            case "service-account" -> serviceAccount();
            case "roles" -> roles();
            case "outside-bindings" -> outsideBindings();
            case "cluster-bindings" -> clusterBindings();
            case "switch-account" -> switchAccount();
            case "bindings" -> removeDrivers();
            default -> throw new IllegalStateException("unknown step " + step + " of " + kind.id());
        };
    }

    /** Issues a server certificate and writes it with its CA; a resumed run finds the Secret it wrote. */
    private String writeCertificate() {
        String name = parameters.get("secret");
        Secret existing = client.secrets().inNamespace(run.namespace()).withName(name).get();
        if (existing != null && writtenByThisRun(existing)) {
            return "Secret " + name + " already holds this run's certificate (serial " + serial(existing) + ")";
        }
        IssuedCertificate server = certificates.issueServer(run.tillerId(), run.namespace(), run.requestedBy());
        Map<String, String> data = new HashMap<>();
        data.put("tls.crt", base64(server.certificatePem()));
        data.put("tls.key", base64(server.privateKeyPem()));
        data.put("ca.crt", base64(certificates.caCertificatePem(run.tillerId())));
        if (existing == null) {
            client.secrets().inNamespace(run.namespace()).resource(new SecretBuilder()
                    .withNewMetadata().withName(name).withNamespace(run.namespace())
                    .addToLabels(MANAGED_LABEL, "helm-warden").addToLabels("app", "helm").addToLabels("name", "tiller")
                    .addToAnnotations(ISSUED_BY_RUN_ANNOTATION, run.id()).endMetadata()
                    .withType("Opaque").withData(data).build()).create();
        } else {
            Secret changed = new SecretBuilder(existing).withData(data).editMetadata()
                    .addToAnnotations(ISSUED_BY_RUN_ANNOTATION, run.id()).endMetadata().build();
            update(() -> client.secrets().inNamespace(run.namespace()).resource(changed).update(), "Secret " + name);
        }
        return "Secret " + name + ": server certificate serial " + server.serial() + " valid until "
                + server.certificate().getNotAfter().toInstant() + ", with Helm Warden's CA as ca.crt";
    }

    /** A Tiller with TLS but no verification keeps its certificate; our CA becomes the one clients are checked by. */
    private String addCa() {
        String name = parameters.get("secret");
        Secret existing = client.secrets().inNamespace(run.namespace()).withName(name).get();
        if (existing == null) {
            throw new RemediationSteps.StepFailed("Secret " + run.namespace() + "/" + name + " is gone");
        }
        if (writtenByThisRun(existing)) {
            return "Secret " + name + " already holds Helm Warden's CA";
        }
        Secret changed = new SecretBuilder(existing).addToData("ca.crt", base64(certificates.caCertificatePem(run.tillerId())))
                .editMetadata().addToAnnotations(ISSUED_BY_RUN_ANNOTATION, run.id()).endMetadata().build();
        update(() -> client.secrets().inNamespace(run.namespace()).resource(changed).update(), "Secret " + name);
        return "Secret " + name + ": ca.crt = Helm Warden's CA; tls.crt and tls.key kept";
    }

    private String configureTls() {
        String name = parameters.get("secret");
        Secret secret = client.secrets().inNamespace(run.namespace()).withName(name).get();
        if (secret == null || secret.getData() == null || !secret.getData().containsKey("ca.crt")) {
            throw new RemediationSteps.StepFailed("Secret " + run.namespace() + "/" + name + " has no ca.crt");
        }
        String serial = serial(secret);
        boolean full = "full".equals(parameters.get("mode"));
        return editDeployment(deployment -> {
            var pod = deployment.getSpec().getTemplate();
            Container container = StorageMigration.tillerContainer(deployment);
            if (full) {
                var volumes = pod.getSpec().getVolumes();
                String volume = volumes.stream().filter(v -> v.getSecret() != null && name.equals(v.getSecret().getSecretName()))
                        .map(v -> v.getName()).findFirst().orElse(null);
                if (volume == null) {
                    volume = CERTS_VOLUME;
                    volumes.add(new VolumeBuilder().withName(volume).withNewSecret().withSecretName(name).endSecret().build());
                }
                String mounted = volume;
                container.getVolumeMounts().removeIf(m -> HardeningPlan.CERTS_DIR.equals(m.getMountPath())
                        && !m.getName().equals(mounted));
                if (container.getVolumeMounts().stream().noneMatch(m -> HardeningPlan.CERTS_DIR.equals(m.getMountPath()))) {
                    container.getVolumeMounts().add(new VolumeMountBuilder().withName(volume)
                            .withMountPath(HardeningPlan.CERTS_DIR).withReadOnly(true).build());
                }
                setEnv(container, "TILLER_TLS_ENABLE", "1");
                setEnv(container, "TILLER_TLS_CERTS", HardeningPlan.CERTS_DIR);
                setBooleanFlagIfWritten(container, "tls");
            }
            // Tiller takes a set-but-empty TILLER_TLS_VERIFY as false: the value must be non-empty.
            setEnv(container, "TILLER_TLS_VERIFY", "1");
            setBooleanFlagIfWritten(container, "tls-verify");
            // Tiller reads its certificate at start: a changed serial rolls the pods.
            pod.getMetadata().getAnnotations().put(TLS_SERIAL_ANNOTATION, serial);
        }, (full ? "certificate mounted at " + HardeningPlan.CERTS_DIR + ", TLS on, " : "") + "client verification on"
                + ", pods restarted with certificate serial " + serial);
    }

    private String service() {
        boolean keep = Boolean.parseBoolean(parameters.get("keep"));
        List<String> done = new ArrayList<>();
        for (String name : parameters.getOrDefault("services", "").split(",")) {
            if (name.isBlank()) {
                continue;
            }
            Service service = client.services().inNamespace(run.namespace()).withName(name).get();
            if (service == null) {
                done.add(name + " already gone");
            } else if (!keep) {
                client.services().inNamespace(run.namespace()).withName(name).delete();
                done.add(name + " deleted");
            } else if ("ClusterIP".equals(service.getSpec().getType())) {
                done.add(name + " already ClusterIP");
            } else {
                service.getSpec().setType("ClusterIP");
                service.getSpec().getPorts().forEach(port -> port.setNodePort(null));
                service.getSpec().setExternalTrafficPolicy(null);
                service.getSpec().setLoadBalancerSourceRanges(null);
                service.getSpec().setExternalIPs(null);
                update(() -> client.services().inNamespace(run.namespace()).resource(service).update(), "Service " + name);
                done.add(name + " turned into ClusterIP");
            }
        }
        return String.join("; ", done);
    }

    private String networkPolicy() {
        var existing = client.network().v1().networkPolicies().inNamespace(run.namespace())
                .withName(HardeningPlan.NETWORK_POLICY).get();
        if (existing != null) {
            return "NetworkPolicy " + HardeningPlan.NETWORK_POLICY + " already there";
        }
        Map<String, String> selector = deployment().getSpec().getSelector().getMatchLabels();
        client.network().v1().networkPolicies().inNamespace(run.namespace()).resource(new NetworkPolicyBuilder()
                .withNewMetadata().withName(HardeningPlan.NETWORK_POLICY).withNamespace(run.namespace())
                .addToLabels(MANAGED_LABEL, "helm-warden").endMetadata()
                .withNewSpec().withNewPodSelector().withMatchLabels(selector).endPodSelector()
                .withPolicyTypes("Ingress").endSpec().build()).create();
        return "NetworkPolicy " + HardeningPlan.NETWORK_POLICY + " denies all ingress to pods " + selector;
    }

    private String history() {
        String max = parameters.get("max");
        return editTiller(container -> {
            if (flagWritten(container, "history-max")) {
                setFlag(container, "history-max", max);
            } else {
                setEnv(container, "TILLER_HISTORY_MAX", max);
            }
        }, "at most " + max + " revisions per release");
    }

    private String serviceAccount() {
        String name = parameters.get("serviceAccount");
        if (client.serviceAccounts().inNamespace(run.namespace()).withName(name).get() != null) {
            return "ServiceAccount " + name + " already there";
        }
        client.serviceAccounts().inNamespace(run.namespace()).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(name).withNamespace(run.namespace()).addToLabels(MANAGED_LABEL, "helm-warden").endMetadata()
                .build()).create();
        return "ServiceAccount " + name + " created";
    }

    /** Roles and bindings are created, or brought to what the plan says: running again changes nothing. */
    private String roles() {
        Subject subject = tillerSubject(parameters.get("serviceAccount"));
        List<String> namespaces = List.of(parameters.getOrDefault("namespaces", "").split(","));
        for (String namespace : namespaces) {
            apply(namespace, HardeningPlan.WORKLOAD_ROLE, List.of(
                    new PolicyRuleBuilder().withApiGroups("", "apps", "batch", "extensions", "networking.k8s.io",
                            "policy", "autoscaling").withResources("*").withVerbs("*").build(),
                    new PolicyRuleBuilder().withApiGroups("").withResources("namespaces").withResourceNames(namespace)
                            .withVerbs("get").build()), subject);
        }
        String storage = parameters.get("storage");
        apply(run.storageNamespace(), HardeningPlan.STORAGE_ROLE, List.of(new PolicyRuleBuilder().withApiGroups("")
                .withResources(storage).withVerbs("*").build()), subject);
        return "Role and RoleBinding " + HardeningPlan.WORKLOAD_ROLE + " in " + namespaces + "; "
                + HardeningPlan.STORAGE_ROLE + " (" + storage + ") in " + run.storageNamespace();
    }

    private void apply(String namespace, String name, List<PolicyRule> rules, Subject subject) {
        ObjectMeta meta = new ObjectMeta();
        meta.setName(name);
        meta.setNamespace(namespace);
        meta.setLabels(Map.of(MANAGED_LABEL, "helm-warden"));
        var roles = client.rbac().roles().inNamespace(namespace);
        var role = roles.withName(name).get();
        if (role == null) {
            roles.resource(new RoleBuilder().withMetadata(meta).withRules(rules).build()).create();
        } else if (!rules.equals(role.getRules())) {
            var changed = new RoleBuilder(role).withRules(rules).build();
            update(() -> roles.resource(changed).update(), "Role " + namespace + "/" + name);
        }
        var bindings = client.rbac().roleBindings().inNamespace(namespace);
        var binding = bindings.withName(name).get();
        if (binding == null) {
            bindings.resource(new RoleBindingBuilder().withMetadata(meta)
                    .withNewRoleRef("rbac.authorization.k8s.io", "Role", name).withSubjects(subject).build()).create();
        } else if (!"Role".equals(binding.getRoleRef().getKind()) || binding.getSubjects() == null
                || binding.getSubjects().size() != 1
                || !HardeningPlan.encodeSubject(binding.getSubjects().get(0)).equals(HardeningPlan.encodeSubject(subject))) {
            // A binding's role cannot change in place: replace the binding.
            bindings.withName(name).delete();
            bindings.resource(new RoleBindingBuilder().withMetadata(meta)
                    .withNewRoleRef("rbac.authorization.k8s.io", "Role", name).withSubjects(subject).build()).create();
        }
    }

    /**
     * The Tiller's service accounts leave the RoleBindings the plan listed (the team's namespaces outside the new
     * scope); a binding left without subjects is deleted. Bindings that changed since the preview are judged
     * again: only the Tiller's own accounts are ever taken out.
     */
    private String outsideBindings() {
        List<String> accounts = tillerAccounts();
        List<String> done = new ArrayList<>();
        for (String listed : parameters.getOrDefault("roleBindings", "").split(";")) {
            int slash = listed.indexOf('/');
            if (slash <= 0) {
                continue;
            }
            String namespace = listed.substring(0, slash);
            var binding = client.rbac().roleBindings().inNamespace(namespace).withName(listed.substring(slash + 1)).get();
            if (binding == null) {
                done.add(listed + " already gone");
                continue;
            }
            done.add(withoutSubjects(binding, s -> isTillerAccount(s, namespace, accounts))
                    .orElse(listed + " no longer names it"));
        }
        return done.isEmpty() ? "no RoleBinding outside the new scope in the team's namespaces" : String.join("; ", done);
    }

    private List<String> tillerAccounts() {
        return List.of(parameters.get("serviceAccount"), parameters.getOrDefault("previousServiceAccount",
                parameters.get("serviceAccount")));
    }

    /** A subject is one of the Tiller's accounts; a ServiceAccount without a namespace is in the binding's. */
    private boolean isTillerAccount(Subject subject, String bindingNamespace, List<String> accounts) {
        String namespace = subject.getNamespace() == null || subject.getNamespace().isEmpty() ? bindingNamespace
                : subject.getNamespace();
        return "ServiceAccount".equals(subject.getKind()) && run.namespace().equals(namespace)
                && accounts.contains(subject.getName());
    }

    /** The Tiller's service accounts (the one it had and the one it gets) lose every cluster-wide binding. */
    private String clusterBindings() {
        List<String> accounts = tillerAccounts();
        List<String> done = new ArrayList<>();
        for (ClusterRoleBinding binding : client.rbac().clusterRoleBindings().list().getItems()) {
            withoutSubjects(binding, s -> "ServiceAccount".equals(s.getKind()) && run.namespace().equals(s.getNamespace())
                    && accounts.contains(s.getName())).ifPresent(done::add);
        }
        return done.isEmpty() ? "no cluster-wide binding of its service account" : String.join("; ", done);
    }

    /**
     * Takes the listed subjects out of the Tiller namespace's RoleBindings whose role lets them create pods or
     * port-forward, and each subject the person ticked out of its ClusterRoleBinding; a binding left without
     * subjects is deleted.
     */
    private String removeDrivers() {
        List<String> unwanted = List.of(parameters.getOrDefault("subjects", "").split(";"));
        Predicate<Subject> outsider = s -> unwanted.contains(HardeningPlan.encodeSubject(withDefaultNamespace(s)));
        List<String> done = new ArrayList<>();
        for (var binding : client.rbac().roleBindings().inNamespace(run.namespace()).list().getItems()) {
            if (Objects.requireNonNullElse(binding.getSubjects(), List.<Subject>of()).stream().anyMatch(outsider)
                    && letsDrive(binding.getRoleRef().getKind(), binding.getRoleRef().getName())) {
                withoutSubjects(binding, outsider).ifPresent(done::add);
            }
        }
        for (String id : parameters.getOrDefault(HardeningPlan.CHOSEN, "").split(";")) {
            if (!id.contains("|")) {
                continue;
            }
            String name = id.substring(0, id.indexOf('|'));
            String subject = id.substring(id.indexOf('|') + 1);
            ClusterRoleBinding binding = client.rbac().clusterRoleBindings().withName(name).get();
            done.add(java.util.Optional.ofNullable(binding)
                    .flatMap(b -> withoutSubjects(b, s -> subject.equals(HardeningPlan.encodeSubject(s))))
                    .orElse("ClusterRoleBinding " + name + " no longer names " + subject.replace('|', ' ').strip()));
        }
        return done.isEmpty() ? "no binding to change" : String.join("; ", done);
    }

    /** Takes the unwanted subjects out of a RoleBinding, deleting it when none is left; empty when none matched. */
    private java.util.Optional<String> withoutSubjects(RoleBinding binding, Predicate<Subject> unwanted) {
        List<Subject> subjects = Objects.requireNonNullElse(binding.getSubjects(), List.of());
        List<Subject> kept = subjects.stream().filter(unwanted.negate()).toList();
        if (kept.size() == subjects.size()) {
            return java.util.Optional.empty();
        }
        var bindings = client.rbac().roleBindings().inNamespace(binding.getMetadata().getNamespace());
        String what = "RoleBinding " + binding.getMetadata().getNamespace() + "/" + binding.getMetadata().getName();
        if (kept.isEmpty()) {
            bindings.withName(binding.getMetadata().getName()).delete();
            return java.util.Optional.of(what + " deleted");
        }
        var changed = new RoleBindingBuilder(binding).withSubjects(kept).build();
        update(() -> bindings.resource(changed).update(), what);
        return java.util.Optional.of(what + ": " + (subjects.size() - kept.size()) + " subjects removed, " + kept.size()
                + " kept");
    }

    /** The same for a ClusterRoleBinding. */
    private java.util.Optional<String> withoutSubjects(ClusterRoleBinding binding, Predicate<Subject> unwanted) {
        List<Subject> subjects = Objects.requireNonNullElse(binding.getSubjects(), List.of());
        List<Subject> kept = subjects.stream().filter(unwanted.negate()).toList();
        if (kept.size() == subjects.size()) {
            return java.util.Optional.empty();
        }
        String what = "ClusterRoleBinding " + binding.getMetadata().getName();
        if (kept.isEmpty()) {
            client.rbac().clusterRoleBindings().withName(binding.getMetadata().getName()).delete();
            return java.util.Optional.of(what + " deleted");
        }
        var changed = new ClusterRoleBindingBuilder(binding).withSubjects(kept).build();
        update(() -> client.rbac().clusterRoleBindings().resource(changed).update(), what);
        return java.util.Optional.of(what + ": " + (subjects.size() - kept.size()) + " subjects removed, " + kept.size()
                + " kept");
    }

    /** A ServiceAccount subject written without a namespace means the binding's own. */
    private Subject withDefaultNamespace(Subject subject) {
        if ("ServiceAccount".equals(subject.getKind()) && (subject.getNamespace() == null || subject.getNamespace().isEmpty())) {
            Subject copy = new io.fabric8.kubernetes.api.model.rbac.SubjectBuilder(subject).withNamespace(run.namespace()).build();
            return copy;
        }
        return subject;
    }

    /** Whether the role grants create on pods or pods/portforward in the core group. */
    private boolean letsDrive(String kind, String name) {
        List<PolicyRule> rules = "ClusterRole".equals(kind)
                ? java.util.Optional.ofNullable(client.rbac().clusterRoles().withName(name).get()).map(r -> r.getRules())
                        .orElse(List.of())
                : java.util.Optional.ofNullable(client.rbac().roles().inNamespace(run.namespace()).withName(name).get())
                        .map(r -> r.getRules()).orElse(List.of());
        return Objects.requireNonNullElse(rules, List.<PolicyRule>of()).stream().anyMatch(rule ->
                matches(rule.getApiGroups(), "") && matches(rule.getVerbs(), "create")
                        && (matches(rule.getResources(), "pods") || matches(rule.getResources(), "pods/portforward")));
    }

    private static boolean matches(List<String> values, String wanted) {
        return values != null && (values.contains(wanted) || values.contains("*"));
    }

    private String switchAccount() {
        String account = parameters.get("serviceAccount");
        return editDeployment(deployment -> {
            var spec = deployment.getSpec().getTemplate().getSpec();
            spec.setServiceAccountName(account);
            if (spec.getServiceAccount() != null) {
                spec.setServiceAccount(account);
            }
        }, "runs as ServiceAccount " + account);
    }

    private String editTiller(Consumer<Container> edit, String done) {
        return editDeployment(deployment -> edit.accept(StorageMigration.tillerContainer(deployment)), done);
    }

    /**
     * Reads the Deployment, edits a copy, and writes it back only if it changed, with the resourceVersion it
     * was read at; a conflict re-reads and edits again.
     */
    private String editDeployment(Consumer<Deployment> edit, String done) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Deployment current = deployment();
            Deployment changed = new DeploymentBuilder(current).build();
            normalize(changed);
            Deployment normalized = new DeploymentBuilder(changed).build();
            edit.accept(changed);
            if (changed.equals(normalized)) {
                return "already so: " + done;
            }
            try {
                client.apps().deployments().inNamespace(run.namespace()).resource(changed).update();
                return done;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        throw new RemediationSteps.StepFailed("the Deployment kept changing while it was being edited");
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
        Deployment deployment = client.apps().deployments().inNamespace(run.namespace()).withName(run.tillerName()).get();
        if (deployment == null) {
            throw new RemediationSteps.StepFailed("Deployment " + run.namespace() + "/" + run.tillerName() + " is gone");
        }
        return deployment;
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

    private static void setFlag(Container container, String name, String value) {
        var flags = TillerFlag.set(container.getCommand(), container.getArgs(), name, value);
        apply(container, flags);
    }

    private static void setBooleanFlagIfWritten(Container container, String name) {
        if (flagWritten(container, name)) {
            apply(container, TillerFlag.setBoolean(container.getCommand(), container.getArgs(), name, true));
        }
    }

    private static boolean flagWritten(Container container, String name) {
        return TillerFlag.written(container.getCommand(), container.getArgs(), name);
    }

    /** Writes command and args back in the shapes they had: an absent list stays absent. */
    private static void apply(Container container, TillerFlag.Rewritten flags) {
        if (container.getCommand() != null && !container.getCommand().isEmpty() || flags.command() != null) {
            container.setCommand(flags.command());
        }
        if (container.getArgs() != null || !flags.args().isEmpty()) {
            container.setArgs(flags.args());
        }
    }

    private Subject tillerSubject(String serviceAccount) {
        Subject subject = new Subject();
        subject.setKind("ServiceAccount");
        subject.setName(serviceAccount);
        subject.setNamespace(run.namespace());
        return subject;
    }

    private boolean writtenByThisRun(Secret secret) {
        var annotations = secret.getMetadata().getAnnotations();
        return annotations != null && run.id().equals(annotations.get(ISSUED_BY_RUN_ANNOTATION));
    }

    private static String serial(Secret secret) {
        String pem = secret.getData() == null ? null : secret.getData().get("tls.crt");
        if (pem == null) {
            throw new RemediationSteps.StepFailed("Secret " + secret.getMetadata().getName() + " has no tls.crt");
        }
        try {
            var certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(pem)));
            return certificate.getSerialNumber().toString(16);
        } catch (CertificateException | IllegalArgumentException e) {
            throw new RemediationSteps.StepFailed("Secret " + secret.getMetadata().getName()
                    + " holds no readable certificate: " + e.getMessage());
        }
    }

    private static void update(Runnable write, String what) {
        try {
            write.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new RemediationSteps.StepFailed(what + " changed while being written; resume to read it again");
            }
            throw e;
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
