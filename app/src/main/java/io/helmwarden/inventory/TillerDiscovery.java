package io.helmwarden.inventory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.helmwarden.cluster.ClusterSnapshot;
import io.helmwarden.rbac.AccessRequest;
import io.helmwarden.rbac.Grant;
import io.helmwarden.rbac.Identity;
import io.helmwarden.rbac.RbacPolicy;
import io.helmwarden.rbac.Scope;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds every Tiller in a cluster snapshot and works out its facts: pure, no client, no clock.
 * A workload is a Tiller when it carries Helm's labels {@code app=helm,name=tiller} or runs an image
 * whose name contains "tiller" (clusters often mirror the image elsewhere).
 */
public final class TillerDiscovery {

    private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
    private static final java.util.regex.Pattern RECORD_NAME = java.util.regex.Pattern.compile("(.+)\\.v(\\d{1,9})");

    private TillerDiscovery() {
    }

    /**
     * @param summaries decoded release summaries by record uid and resourceVersion ("uid@rv"), if known
     */
    public static List<Tiller> discover(ClusterSnapshot snapshot, RbacPolicy rbac, Teams teams,
            Function<String, Optional<ReleaseSummary>> summaries) {
        List<Tiller> tillers = new ArrayList<>();
        Index index = Index.of(snapshot);
        Stream.of(
                snapshot.deployments().stream().map(d -> new Workload("Deployment", d, d.getSpec().getTemplate(),
                        orZero(d.getSpec().getReplicas()), d.getStatus() == null ? 0 : orZero(d.getStatus().getReadyReplicas()))),
                snapshot.statefulSets().stream().map(s -> new Workload("StatefulSet", s, s.getSpec().getTemplate(),
                        orZero(s.getSpec().getReplicas()), s.getStatus() == null ? 0 : orZero(s.getStatus().getReadyReplicas()))),
                snapshot.daemonSets().stream().map(d -> new Workload("DaemonSet", d, d.getSpec().getTemplate(),
                        d.getStatus() == null ? 0 : orZero(d.getStatus().getDesiredNumberScheduled()),
                        d.getStatus() == null ? 0 : orZero(d.getStatus().getNumberReady()))),
                // Those below come only without a controlling owner (the watch keeps no other): a ReplicaSet of a
                // Deployment, or a Pod of a ReplicaSet, is its owner's Tiller, never counted twice.
                snapshot.replicaSets().stream().map(r -> new Workload("ReplicaSet", r, r.getSpec().getTemplate(),
                        orZero(r.getSpec().getReplicas()), r.getStatus() == null ? 0 : orZero(r.getStatus().getReadyReplicas()))),
                snapshot.replicationControllers().stream().map(r -> new Workload("ReplicationController", r,
                        r.getSpec().getTemplate(), orZero(r.getSpec().getReplicas()),
                        r.getStatus() == null ? 0 : orZero(r.getStatus().getReadyReplicas()))),
                snapshot.pods().stream().map(p -> new Workload("Pod", p, new PodTemplateSpec(p.getMetadata(), p.getSpec()),
                        1, p.getStatus() != null && p.getStatus().getContainerStatuses() != null
                                && !p.getStatus().getContainerStatuses().isEmpty()
                                && p.getStatus().getContainerStatuses().stream().allMatch(c -> Boolean.TRUE.equals(c.getReady()))
                                ? 1 : 0)),
                snapshot.jobs().stream().map(j -> new Workload("Job", j, j.getSpec().getTemplate(),
                        orZero(j.getSpec().getParallelism() == null ? 1 : j.getSpec().getParallelism()),
                        j.getStatus() == null || j.getStatus().getReady() == null ? 0 : j.getStatus().getReady())))
                .flatMap(s -> s)
                .filter(workload -> workload.template() != null && workload.template().getSpec() != null)
                .filter(TillerDiscovery::isTiller)
                .forEach(workload -> tillers.add(describe(workload, snapshot, index, rbac, teams, summaries)));
        tillers.sort(Comparator.comparing(Tiller::namespace).thenComparing(Tiller::name));
        return tillers;
    }

    /**
     * The snapshot's release records by namespace and its Secrets by namespace/name, built once per discovery:
     * each Tiller then looks up its own instead of scanning every record and Secret of the cluster.
     */
    private record Index(Map<String, List<HasMetadata>> recordsByNamespace, Map<String, Secret> secretsByKey) {

        static Index of(ClusterSnapshot snapshot) {
            Map<String, List<HasMetadata>> records = Stream.concat(snapshot.releaseConfigMaps().stream(),
                            snapshot.secrets().stream())
                    .filter(object -> object.getMetadata().getLabels() != null
                            && "TILLER".equals(object.getMetadata().getLabels().get("OWNER")))
                    .collect(Collectors.groupingBy(object -> object.getMetadata().getNamespace()));
            Map<String, Secret> secrets = snapshot.secrets().stream().collect(Collectors.toMap(
                    secret -> secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName(), s -> s,
                    (first, last) -> last));
            return new Index(records, secrets);
        }

        List<HasMetadata> records(String namespace) {
            return recordsByNamespace.getOrDefault(namespace, List.of());
        }
    }

    private record Workload(String kind, HasMetadata object, PodTemplateSpec template, int desired, int ready) {

        String namespace() {
            return object.getMetadata().getNamespace();
        }

        Map<String, String> podLabels() {
            return template.getMetadata() == null || template.getMetadata().getLabels() == null ? Map.of()
                    : template.getMetadata().getLabels();
        }
    }

    /**
     * Helm's labels on the workload or on its pod template (the helm CLI finds Tiller by listing pods with
     * them, so a workload without labels of its own is still the Tiller people use), or Tiller's image.
     */
    static boolean isTiller(Workload workload) {
        return foundBy(workload).isPresent();
    }

    /** Which rule makes a workload a Tiller, in words for its page; empty when none does. */
    static Optional<String> foundBy(Workload workload) {
        Map<String, String> labels = Objects.requireNonNullElse(workload.object().getMetadata().getLabels(), Map.of());
        if (helmLabels(labels) && !"Pod".equals(workload.kind())) {
            return Optional.of("Helm's labels app=helm, name=tiller on the " + workload.kind());
        }
        if (helmLabels(workload.podLabels())) {
            return Optional.of("Helm's labels app=helm, name=tiller on its pods (as the helm CLI finds Tiller)");
        }
        return containers(workload.template()).stream().map(Container::getImage)
                .filter(TillerContainer::isTillerImage).findFirst()
                .map(image -> "Tiller's image (" + image + "), without Helm's labels");
    }

    private static boolean helmLabels(Map<String, String> labels) {
        return "helm".equals(labels.get("app")) && "tiller".equals(labels.get("name"));
    }

    private static Tiller describe(Workload workload, ClusterSnapshot snapshot, Index index, RbacPolicy rbac, Teams teams,
            Function<String, Optional<ReleaseSummary>> summaries) {
        var pod = workload.template().getSpec();
        Container container = tillerContainer(workload.template());
        var flags = TillerFlags.parse(container.getCommand(), container.getArgs());
        Map<String, EnvVar> env = Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of()).stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e, (first, last) -> last));
        String namespace = workload.namespace();
        String serviceAccount = pod.getServiceAccountName() != null && !pod.getServiceAccountName().isEmpty()
                ? pod.getServiceAccountName() : "default";
        boolean explicitAccount = !"default".equals(serviceAccount);

        Optional<Team> team = teams.owner(snapshot.clusterId(), namespace);
        Tiller.Storage storage = storage(flags, env, namespace, index, snapshot.clusterId(), team, teams);
        Tiller.Tls tls = tls(flags, env, pod.getVolumes(), container, namespace, index);
        Tiller.Exposure exposure = exposure(flags, workload, snapshot);
        int historyMax = flags.value("history-max").or(() -> literal(env, "TILLER_HISTORY_MAX"))
                .map(TillerDiscovery::parseIntOrZero).orElse(0);
        Identity identity = Identity.serviceAccount(namespace, serviceAccount);

        return new Tiller(snapshot.clusterId(), namespace, workload.kind(), workload.object().getMetadata().getName(),
                container.getImage(), List.copyOf(Objects.requireNonNullElse(container.getCommand(), List.<String>of())),
                List.copyOf(Objects.requireNonNullElse(container.getArgs(), List.<String>of())),
                HelmVersion.fromImage(container.getImage()), workload.desired(), workload.ready(),
                serviceAccount, explicitAccount, pod.getAutomountServiceAccountToken() == null
                        || pod.getAutomountServiceAccountToken(),
                storage, tls, exposure, historyMax, rbac(identity, namespace, rbac, team),
                team.map(Team::id), Objects.requireNonNullElse(workload.object().getMetadata().getAnnotations(), Map.of()),
                records(storage, index, summaries), WorkloadExcerpt.of(workload.object(), workload.template(), container),
                foundBy(workload).orElse(""));
    }

    private static Tiller.Storage storage(TillerFlags flags, Map<String, EnvVar> env, String namespace, Index index,
            String cluster, Optional<Team> team, Teams teams) {
        String backend = flags.value("storage").map(String::toLowerCase).orElse("configmap");
        String source = flags.value("storage").isPresent() ? flags.describe("storage") + " in the container's flags"
                : "default (no --storage flag)";
        // Tiller's rule: $TILLER_NAMESPACE, else the pod's own namespace. A reference other than the pod's own
        // namespace (a ConfigMap key, say) is not resolved: its value is whatever that object holds at start.
        EnvVar variable = env.get("TILLER_NAMESPACE");
        String storageNamespace;
        String namespaceSource;
        if (variable == null || variable.getValueFrom() == null && (variable.getValue() == null
                || variable.getValue().isEmpty())) {
            storageNamespace = namespace;
            namespaceSource = "the Tiller's own namespace (TILLER_NAMESPACE not set)";
        } else if (variable.getValueFrom() != null) {
            boolean ownNamespace = variable.getValueFrom().getFieldRef() != null
                    && "metadata.namespace".equals(variable.getValueFrom().getFieldRef().getFieldPath());
            storageNamespace = ownNamespace ? namespace : "";
            namespaceSource = ownNamespace ? "TILLER_NAMESPACE from the pod's own namespace"
                    : "TILLER_NAMESPACE from a reference Helm Warden does not resolve";
        } else {
            storageNamespace = variable.getValue();
            namespaceSource = "TILLER_NAMESPACE=" + variable.getValue();
        }
        Optional<String> owner = storageNamespace.isEmpty() ? Optional.empty()
                : teams.owner(cluster, storageNamespace).map(Team::id);
        boolean foreign = storageNamespace.isEmpty()
                || !storageNamespace.equals(namespace) && !owner.equals(team.map(Team::id));
        List<HasMetadata> records = foreign ? List.of() : index.records(storageNamespace);
        int configMaps = (int) records.stream().filter(ConfigMap.class::isInstance).count();
        int secrets = records.size() - configMaps;
        // Not kept on the Tiller: another team's name is not this team's to read (the inventory export shows it all).
        return new Tiller.Storage(backend, source, storageNamespace, namespaceSource, foreign, configMaps, secrets);
    }

    private static Tiller.Tls tls(TillerFlags flags, Map<String, EnvVar> env, List<Volume> volumes, Container container,
            String namespace, Index index) {
        Optional<Boolean> tlsFlag = flags.bool("tls");
        Optional<Boolean> verifyFlag = flags.bool("tls-verify");
        boolean verify = verifyFlag.orElseGet(() -> nonEmpty(env.get("TILLER_TLS_VERIFY")));
        boolean enabled = tlsFlag.orElseGet(() -> nonEmpty(env.get("TILLER_TLS_ENABLE"))) || verify;
        String source = describeTls(tlsFlag, verifyFlag, env);

        String certsDir = literal(env, "TILLER_TLS_CERTS").orElse("/etc/certs");
        String secretName = Objects.requireNonNullElse(volumes, List.<Volume>of()).stream()
                .filter(volume -> volume.getSecret() != null)
                .filter(volume -> Objects.requireNonNullElse(container.getVolumeMounts(), List.<VolumeMount>of())
                        .stream().anyMatch(mount -> mount.getName().equals(volume.getName())
                                && certsDir.equals(mount.getMountPath())))
                .map(volume -> volume.getSecret().getSecretName())
                .findFirst().orElse("tiller-secret");
        Optional<Secret> secret = Optional.ofNullable(index.secretsByKey().get(namespace + "/" + secretName));
        Optional<Tiller.Certificate> certificate = secret.map(Secret::getData).map(data -> data.get("tls.crt"))
                .flatMap(TillerDiscovery::certificate);
        boolean caPresent = secret.map(Secret::getData).map(data -> data.containsKey("ca.crt")).orElse(false);
        Optional<Tiller.Certificate> clientCa = secret.map(Secret::getData).map(data -> data.get("ca.crt"))
                .flatMap(TillerDiscovery::certificate);
        return new Tiller.Tls(enabled, verify, source, certificate, caPresent, clientCa, secretName);
    }

    private static String describeTls(Optional<Boolean> tlsFlag, Optional<Boolean> verifyFlag, Map<String, EnvVar> env) {
        List<String> parts = new ArrayList<>();
        tlsFlag.ifPresentOrElse(value -> parts.add("--tls=" + value), () -> parts.add(envState(env, "TILLER_TLS_ENABLE")));
        verifyFlag.ifPresentOrElse(value -> parts.add("--tls-verify=" + value),
                () -> parts.add(envState(env, "TILLER_TLS_VERIFY")));
        return String.join(", ", parts);
    }

    private static String envState(Map<String, EnvVar> env, String name) {
        EnvVar var = env.get(name);
        if (var == null) {
            return name + " not set";
        }
        if (var.getValueFrom() != null) {
            return name + " from a reference";
        }
        return var.getValue() == null || var.getValue().isEmpty() ? name + " set but empty (false)"
                : name + "=" + var.getValue();
    }

    private static Optional<Tiller.Certificate> certificate(String base64Pem) {
        try {
            byte[] pem = Base64.getDecoder().decode(base64Pem);
            var certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem));
            List<String> sans = new ArrayList<>();
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                names.forEach(name -> sans.add(String.valueOf(name.get(1))));
            }
            return Optional.of(new Tiller.Certificate(certificate.getSubjectX500Principal().getName(),
                    certificate.getIssuerX500Principal().getName(), List.copyOf(sans),
                    certificate.getNotAfter().toInstant(), Tiller.Certificate.sha256(certificate.getEncoded())));
        } catch (IllegalArgumentException | CertificateException e) {
            // Not base64 or not a certificate: the Tiller's facts say "no certificate known".
            return Optional.empty();
        }
    }

    private static Tiller.Exposure exposure(TillerFlags flags, Workload workload, ClusterSnapshot snapshot) {
        String listen = flags.value("listen").orElse(":44134");
        String host = listen.contains(":") ? listen.substring(0, listen.lastIndexOf(':')) : listen;
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
        Map<String, String> podLabels = workload.podLabels();
        String namespace = workload.namespace();
        List<Tiller.ExposingService> services = snapshot.services().stream()
                .filter(service -> namespace.equals(service.getMetadata().getNamespace()))
                .filter(service -> selects(service, podLabels))
                .map(TillerDiscovery::exposingService)
                .toList();
        boolean hostNetwork = Boolean.TRUE.equals(workload.template().getSpec().getHostNetwork());
        List<String> policies = snapshot.networkPolicies().stream()
                .filter(policy -> namespace.equals(policy.getMetadata().getNamespace()))
                .filter(policy -> restrictsIngress(policy, podLabels))
                .map(policy -> policy.getMetadata().getName())
                .toList();
        return new Tiller.Exposure(listen, loopback, services, hostNetwork, policies);
    }

    private static boolean selects(Service service, Map<String, String> podLabels) {
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        return selector != null && !selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet());
    }

    private static Tiller.ExposingService exposingService(Service service) {
        List<String> ports = Objects.requireNonNullElse(service.getSpec().getPorts(), List.<ServicePort>of()).stream()
                .map(port -> port.getPort() + (port.getNodePort() != null ? " (node port " + port.getNodePort() + ")" : ""))
                .toList();
        String type = service.getSpec().getType() == null ? "ClusterIP" : service.getSpec().getType();
        return new Tiller.ExposingService(service.getMetadata().getName(), type, ports);
    }

    /** A policy restricts ingress when it selects the pods, covers Ingress, and is not an allow-all rule. */
    static boolean restrictsIngress(NetworkPolicy policy, Map<String, String> podLabels) {
        var spec = policy.getSpec();
        if (spec == null || !labelSelectorMatches(spec.getPodSelector(), podLabels)) {
            return false;
        }
        List<String> types = spec.getPolicyTypes();
        boolean coversIngress = types == null || types.isEmpty() || types.contains("Ingress");
        boolean allowsAll = spec.getIngress() != null && spec.getIngress().stream()
                .anyMatch(rule -> (rule.getFrom() == null || rule.getFrom().isEmpty())
                        && (rule.getPorts() == null || rule.getPorts().isEmpty()));
        return coversIngress && !allowsAll;
    }

    static boolean labelSelectorMatches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchLabels() != null && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
            return false;
        }
        for (LabelSelectorRequirement requirement : Objects.requireNonNullElse(selector.getMatchExpressions(),
                List.<LabelSelectorRequirement>of())) {
            String value = labels.get(requirement.getKey());
            List<String> values = Objects.requireNonNullElse(requirement.getValues(), List.of());
            boolean ok = switch (requirement.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Tiller.Rbac rbac(Identity identity, String namespace, RbacPolicy rbac, Optional<Team> team) {
        Scope scope = rbac.scope(identity, AccessRequest.of("create", "apps", "deployments", namespace));
        List<Grant> grants = rbac.grantsOf(identity);
        List<Grant> clusterAdmin = grants.stream()
                .filter(grant -> grant.clusterWide() && isFullWildcard(grant))
                .toList();
        List<Tiller.Escalation> escalations = new ArrayList<>();
        for (var check : List.of(
                AccessRequest.of("escalate", RBAC_GROUP, "clusterroles", null),
                AccessRequest.of("bind", RBAC_GROUP, "clusterroles", null),
                AccessRequest.of("create", RBAC_GROUP, "clusterrolebindings", null),
                AccessRequest.of("impersonate", "", "users", null),
                AccessRequest.of("impersonate", "", "groups", null),
                AccessRequest.of("impersonate", "", "serviceaccounts", null),
                AccessRequest.of("list", "", "secrets", null),
                AccessRequest.of("create", "", "pods", "kube-system"))) {
            rbac.grantsAllowing(identity, check).stream().findFirst()
                    .ifPresent(grant -> escalations.add(new Tiller.Escalation(check.toString(), grant)));
        }
        // Role bindings anywhere let it bind any ClusterRole it holds elsewhere: an escalation path too.
        Scope bindings = rbac.scope(identity, AccessRequest.of("create", RBAC_GROUP, "rolebindings", namespace));
        if (!bindings.clusterWide() && !bindings.isEmpty()) {
            String where = bindings.namespaces().first();
            rbac.grantsAllowing(identity, AccessRequest.of("create", RBAC_GROUP, "rolebindings", where)).stream()
                    .findFirst().ifPresent(grant -> escalations.add(new Tiller.Escalation(
                            "create rolebindings in " + String.join(", ", bindings.namespaces()), grant)));
        }

        List<Grant> driverGrants = intersect(
                rbac.whoCan(AccessRequest.of("create", "", "pods/portforward", namespace)),
                rbac.whoCan(AccessRequest.of("list", "", "pods", namespace)));
        Set<Subject> drivers = subjects(driverGrants);
        Set<Subject> thieves = new LinkedHashSet<>();
        List<Grant> thiefGrants = new ArrayList<>();
        for (var request : List.of(AccessRequest.of("create", "", "pods", namespace),
                AccessRequest.of("get", "", "secrets", namespace), AccessRequest.of("list", "", "secrets", namespace))) {
            thiefGrants.addAll(controlPlaneExcluded(rbac.whoCan(request)));
        }
        thieves.addAll(subjects(thiefGrants));
        Set<Subject> expected = new LinkedHashSet<>();
        expected.add(new Subject(null, "ServiceAccount", identity.user().substring(identity.user().lastIndexOf(':') + 1),
                namespace));
        Set<String> teamGroups = team.map(Team::groups).orElse(Set.of());
        Set<Subject> unexpectedDrivers = unexpected(drivers, expected, teamGroups, rbac);
        Set<Subject> unexpectedThieves = unexpected(thieves, expected, teamGroups, rbac);
        // The bindings through which outsiders reach it, each once: what restrict-drivers would change.
        Set<String> seen = new java.util.HashSet<>();
        List<Grant> outsiderGrants = Stream.concat(driverGrants.stream(), thiefGrants.stream())
                .filter(grant -> unexpectedDrivers.contains(RbacPolicy.normalized(grant))
                        || unexpectedThieves.contains(RbacPolicy.normalized(grant)))
                .filter(grant -> seen.add(grant.describeBinding() + "|" + RbacPolicy.normalized(grant)))
                .toList();
        return new Tiller.Rbac(identity, grants, scope, clusterAdmin, escalations, drivers, thieves,
                unexpectedDrivers, unexpectedThieves, outsiderGrants);
    }

    private static List<Grant> intersect(List<Grant> first, List<Grant> second) {
        Set<Subject> inSecond = subjects(second);
        return controlPlaneExcluded(first).stream().filter(grant -> inSecond.contains(RbacPolicy.normalized(grant)))
                .toList();
    }

    /** Bootstrap roles ("system:...") serve the control plane's own components. */
    private static List<Grant> controlPlaneExcluded(List<Grant> grants) {
        return grants.stream().filter(grant -> !grant.roleName().startsWith("system:")).toList();
    }

    private static Set<Subject> subjects(List<Grant> grants) {
        return grants.stream().map(RbacPolicy::normalized).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Subjects that are neither the Tiller itself, its team, nor cluster administrators. */
    private static Set<Subject> unexpected(Set<Subject> subjects, Set<Subject> expected, Set<String> teamGroups,
            RbacPolicy rbac) {
        return subjects.stream()
                .filter(subject -> !expected.contains(subject))
                .filter(subject -> !("Group".equals(subject.getKind()) && teamGroups.contains(subject.getName())))
                .filter(subject -> !("Group".equals(subject.getKind()) && "system:masters".equals(subject.getName())))
                .filter(subject -> !isAdministrator(subject, rbac))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static boolean isAdministrator(Subject subject, RbacPolicy rbac) {
        Identity identity = switch (subject.getKind()) {
            case "ServiceAccount" -> Identity.serviceAccount(subject.getNamespace(), subject.getName());
            case "Group" -> new Identity("", Set.of(subject.getName()));
            default -> new Identity(subject.getName(), Set.of());
        };
        return rbac.grantsOf(identity).stream().anyMatch(grant -> grant.clusterWide() && isFullWildcard(grant));
    }

    private static boolean isFullWildcard(Grant grant) {
        var rule = grant.rule();
        return rule.getVerbs() != null && rule.getVerbs().contains("*")
                && rule.getResources() != null && rule.getResources().contains("*")
                && rule.getApiGroups() != null && rule.getApiGroups().contains("*");
    }

    /** The records in the Tiller's storage namespace; none when that namespace is another team's. */
    private static List<ReleaseRecord> records(Tiller.Storage storage, Index index,
            Function<String, Optional<ReleaseSummary>> summaries) {
        if (storage.foreign()) {
            return List.of();
        }
        return index.records(storage.namespace()).stream()
                .map(object -> record(object, summaries))
                .sorted(Comparator.comparing(ReleaseRecord::release).thenComparing(ReleaseRecord::revision,
                        Comparator.reverseOrder()).thenComparing(ReleaseRecord::kind))
                .toList();
    }

    private static ReleaseRecord record(HasMetadata object, Function<String, Optional<ReleaseSummary>> summaries) {
        var meta = object.getMetadata();
        Map<String, String> labels = meta.getLabels();
        String release = labels.getOrDefault("NAME", meta.getName());
        // Tiller names every record <release>.v<revision>: the name gives the revision when the label is missing.
        var fromName = RECORD_NAME.matcher(meta.getName());
        Optional<ReleaseSummary> summary = summaries.apply(meta.getUid() + "@" + meta.getResourceVersion());
        int revision;
        String revisionSource;
        if (labels.get("VERSION") != null && labels.get("VERSION").strip().matches("\\d{1,9}")) {
            revision = Integer.parseInt(labels.get("VERSION").strip());
            revisionSource = ReleaseRecord.FROM_LABEL;
        } else if (fromName.matches()) {
            revision = Integer.parseInt(fromName.group(2));
            revisionSource = ReleaseRecord.FROM_NAME;
        } else {
            revision = summary.filter(ReleaseSummary::readable).map(ReleaseSummary::revision).orElse(0);
            revisionSource = ReleaseRecord.FROM_PAYLOAD;
        }
        if (!labels.containsKey("NAME") && fromName.matches()) {
            release = fromName.group(1);
        }
        Optional<Instant> modified = Optional.ofNullable(labels.getOrDefault("MODIFIED_AT", labels.get("CREATED_AT")))
                .filter(value -> value.matches("\\d{1,12}")).map(value -> Instant.ofEpochSecond(Long.parseLong(value)));
        return new ReleaseRecord(object.getKind(), meta.getName(), meta.getUid(), meta.getResourceVersion(), release,
                revision, revisionSource, labels.getOrDefault("STATUS", "UNKNOWN"), modified, summary);
    }

    private static Container tillerContainer(PodTemplateSpec template) {
        return TillerContainer.of(template.getSpec()).orElseThrow();
    }

    private static List<Container> containers(PodTemplateSpec template) {
        return template == null || template.getSpec() == null || template.getSpec().getContainers() == null ? List.of()
                : template.getSpec().getContainers();
    }

    private static Optional<String> literal(Map<String, EnvVar> env, String name) {
        return Optional.ofNullable(env.get(name)).map(EnvVar::getValue);
    }

    /** Tiller's rule: an environment variable switches a flag on only when it is set and non-empty. */
    private static boolean nonEmpty(EnvVar var) {
        return var != null && (var.getValueFrom() != null || var.getValue() != null && !var.getValue().isEmpty());
    }

    private static int parseIntOrZero(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
