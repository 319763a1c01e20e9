package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.rbac.Grant;
import io.helmwarden.rbac.RbacPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The plan of one remediation for Tiller's gRPC endpoint or rights, computed from the inventory alone: the
 * steps with their before and after, why it cannot run (if it cannot), what the person must explicitly
 * accept (releases that fall outside a new scope), and the parameters the run keeps so a resumed run does
 * exactly what was previewed.
 */
public record HardeningPlan(Kind kind, String tillerId, List<PlanStep> steps, Optional<String> refusal,
        List<String> toAccept, List<Option> options, Map<String, String> parameters) {

    /**
     * A change the plan offers but does not make unless the person ticks it, one by one: a cluster-wide binding
     * reaches every namespace, so taking a subject out of it is never part of the default.
     *
     * @param id          what the form sends back (a ClusterRoleBinding's name and the subject, encoded)
     * @param description what the person accepts, in words
     */
    public record Option(String id, String description) {
    }

    /** Parameter naming the chosen options, as the run keeps them. */
    static final String CHOSEN = "clusterBindings";

    /** The plan with more consequences to accept, which only the caller knows (e.g. client certificates). */
    public HardeningPlan accepting(List<String> more) {
        List<String> all = new ArrayList<>(toAccept);
        all.addAll(more);
        return new HardeningPlan(kind, tillerId, steps, refusal, List.copyOf(all), options, parameters);
    }

    /**
     * The plan with the options the person ticked; ids the plan did not offer are refused, so a forged form
     * cannot name another binding.
     */
    public HardeningPlan choosing(java.util.Collection<String> chosen) {
        if (chosen.isEmpty()) {
            return this;
        }
        Set<String> offered = options.stream().map(Option::id).collect(Collectors.toSet());
        List<String> unknown = chosen.stream().filter(id -> !offered.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("not offered by this plan: " + String.join(", ", unknown));
        }
        Map<String, String> withChosen = new LinkedHashMap<>(parameters);
        withChosen.put(CHOSEN, chosen.stream().sorted().distinct().collect(Collectors.joining(";")));
        List<String> accepted = new ArrayList<>(toAccept);
        options.stream().filter(option -> chosen.contains(option.id())).forEach(option -> accepted.add(option.description()));
        return new HardeningPlan(kind, tillerId, steps, refusal, List.copyOf(accepted), options, Map.copyOf(withChosen));
    }

    /** The remediations, named as the checks' {@code remediation} field names them. */
    public enum Kind {
        ENABLE_TLS_VERIFY("enable-tls-verify", "Enable TLS with client certificate verification", "certificate", "configure"),
        ROTATE_CERTIFICATE("rotate-certificate", "Issue a new server certificate", "certificate", "configure"),
        LISTEN_LOCALHOST("listen-localhost", "Listen on 127.0.0.1 only", "listen"),
        REMOVE_SERVICE("remove-service", "Stop exposing the gRPC port through a Service", "service"),
        DENY_INGRESS("deny-ingress", "Deny network ingress to the Tiller pods", "network-policy"),
        LIMIT_HISTORY("limit-history", "Limit release history", "history"),
        RESTRICT_SCOPE("restrict-scope", "Restrict Tiller to its team's namespaces", "service-account", "roles",
                "outside-bindings", "cluster-bindings", "switch-account"),
        RESTRICT_DRIVERS("restrict-drivers", "Remove who may drive or impersonate Tiller", "bindings");

        private final String id;
        private final String title;
        private final List<String> stepNames;

        Kind(String id, String title, String... stepNames) {
            this.id = id;
            this.title = title;
            this.stepNames = List.of(stepNames);
        }

        public String id() {
            return id;
        }

        public String title() {
            return title;
        }

        public List<String> stepNames() {
            return stepNames;
        }

        /** The kind a check's remediation id names; a dedicated service account comes with a restricted scope. */
        public static Optional<Kind> of(String id) {
            String wanted = "dedicated-service-account".equals(id) ? "restrict-scope" : id;
            return Arrays.stream(values()).filter(kind -> kind.id.equals(wanted)).findFirst();
        }
    }

    /**
     * What the organisation decided, from configuration.
     *
     * @param certificatesConfigured whether a CA key-encryption key is set (TLS remediations need it)
     */
    public record Settings(int historyMax, boolean keepService, boolean certificatesConfigured) {

        public Settings(int historyMax, boolean keepService) {
            this(historyMax, keepService, true);
        }
    }

    static final String SERVICE_ACCOUNT = "tiller";
    static final String CERTS_DIR = "/etc/certs";
    static final String LOOPBACK_LISTEN = "127.0.0.1:44134";
    static final String NETWORK_POLICY = "tiller-deny-ingress";
    static final String WORKLOAD_ROLE = "helm-warden-tiller";
    static final String STORAGE_ROLE = "helm-warden-tiller-storage";

    /**
     * @param teamNamespaces    the namespaces the Tiller's team owns on its cluster (restrict-scope's new scope)
     * @param releaseNamespaces each release's target namespace, as far as decoded
     */
    public static HardeningPlan of(Kind kind, Tiller tiller, Settings settings, List<String> teamNamespaces,
            Map<String, String> releaseNamespaces) {
        List<PlanStep> steps = new ArrayList<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        List<String> toAccept = new ArrayList<>();
        List<Option> options = new ArrayList<>();
        Optional<String> refusal = commonRefusal(tiller);
        if ((kind == Kind.ENABLE_TLS_VERIFY || kind == Kind.ROTATE_CERTIFICATE) && !settings.certificatesConfigured()) {
            refusal = refusal.or(() -> Optional.of("helmwarden.pki.key-encryption-key is not set: Helm Warden keeps no"
                    + " CA key unencrypted, so it issues no certificates until it is configured"));
        }
        Tiller.Tls tls = tiller.tls();
        switch (kind) {
            case ENABLE_TLS_VERIFY -> {
                if (tls.enabled() && tls.verify() && tls.caPresent()) {
                    refusal = refusal.or(() -> Optional.of("TLS with client verification is already on"));
                }
                boolean verifyOnly = tls.enabled() && tls.certificate().isPresent();
                parameters.put("mode", verifyOnly ? "verify-only" : "full");
                parameters.put("secret", tls.secretName());
                steps.add(verifyOnly
                        ? new PlanStep("certificate", "Add Helm Warden's CA to the TLS Secret, for client verification",
                                "Secret " + tls.secretName() + ": tls.crt, tls.key" + (tls.caPresent() ? ", ca.crt" : ""),
                                "Secret " + tls.secretName() + ": tls.crt, tls.key kept; ca.crt = Helm Warden's CA for this Tiller")
                        : new PlanStep("certificate", "Issue a server certificate and write it with the CA",
                                tls.certificate().map(c -> "certificate " + c.subject()).orElse("no server certificate"),
                                "Secret " + tls.secretName() + ": tls.crt (SANs 127.0.0.1, localhost, tiller-deploy, tiller-deploy."
                                        + tiller.namespace() + ", tiller-deploy." + tiller.namespace() + ".svc), tls.key, ca.crt"));
                steps.add(new PlanStep("configure", "Mount the Secret and turn verification on",
                        "TLS: " + tls.source(),
                        (verifyOnly ? "" : "volume " + tls.secretName() + " mounted read-only at " + CERTS_DIR
                                + "\nTILLER_TLS_ENABLE=1\nTILLER_TLS_CERTS=" + CERTS_DIR + "\n")
                                + "TILLER_TLS_VERIFY=1\n--tls/--tls-verify flags, where written, set to true"
                                + "\npods restarted to load it; every other field kept"));
                toAccept.add("Helm clients then need a client certificate from Helm Warden's CA for this Tiller"
                        + " (Client certificates on the Tiller page)");
            }
            case ROTATE_CERTIFICATE -> {
                if (!tls.enabled()) {
                    refusal = refusal.or(() -> Optional.of("TLS is off: enable TLS with client verification instead"));
                }
                parameters.put("mode", "full");
                parameters.put("secret", tls.secretName());
                steps.add(new PlanStep("certificate", "Issue a new server certificate",
                        tls.certificate().map(c -> c.subject() + ", issued by " + c.issuer() + ", valid until " + c.notAfter())
                                .orElse("no readable server certificate"),
                        "a certificate from Helm Warden's CA with the loopback and Service SANs; ca.crt = that CA"));
                steps.add(new PlanStep("configure", "Restart Tiller with it", "pods serve the old certificate",
                        "pods restarted (a pod-template annotation changes); every other field kept"));
            }
            case LISTEN_LOCALHOST -> {
                if (tiller.exposure().loopbackOnly()) {
                    refusal = refusal.or(() -> Optional.of("Tiller already listens on " + tiller.exposure().listen()));
                }
                var flags = TillerFlag.set(tiller.command(), tiller.args(), "listen", LOOPBACK_LISTEN);
                steps.add(new PlanStep("listen", "Listen on the loopback interface only",
                        "listen: " + tiller.exposure().listen() + "\ncommand: " + tiller.command() + "\nargs: " + tiller.args(),
                        "listen: " + LOOPBACK_LISTEN + "\ncommand: " + (flags.command() == null ? "[]" : flags.command())
                                + "\nargs: " + flags.args() + "\n(helm reaches it by port-forwarding, as always)"));
            }
            case REMOVE_SERVICE -> {
                var services = tiller.exposure().services();
                if (services.isEmpty()) {
                    refusal = refusal.or(() -> Optional.of("no Service exposes Tiller's gRPC port"));
                }
                parameters.put("services", services.stream().map(Tiller.ExposingService::name).collect(Collectors.joining(",")));
                parameters.put("keep", String.valueOf(settings.keepService()));
                steps.add(new PlanStep("service", settings.keepService() ? "Make the Service cluster-internal" : "Delete the Service",
                        services.stream().map(s -> "Service " + s.name() + " (" + s.type() + ", ports " + s.ports() + ")")
                                .collect(Collectors.joining("\n")),
                        settings.keepService() ? "the same Services as type ClusterIP, node ports released"
                                : "no Service; helm reaches Tiller by port-forwarding"));
            }
            case DENY_INGRESS -> {
                if (!tiller.exposure().ingressPolicies().isEmpty()) {
                    refusal = refusal.or(() -> Optional.of("ingress is already restricted by "
                            + tiller.exposure().ingressPolicies()));
                }
                steps.add(new PlanStep("network-policy", "Add a NetworkPolicy denying all ingress to the Tiller pods",
                        "no NetworkPolicy selects the Tiller pods",
                        "NetworkPolicy " + NETWORK_POLICY + ": pods of the Tiller Deployment, policy type Ingress, no rule"
                                + " (port-forwarding goes through the kubelet and still works)"));
            }
            case LIMIT_HISTORY -> {
                if (tiller.historyMax() > 0) {
                    refusal = refusal.or(() -> Optional.of("history is already limited to " + tiller.historyMax()));
                }
                parameters.put("max", String.valueOf(settings.historyMax()));
                steps.add(new PlanStep("history", "Keep at most " + settings.historyMax() + " revisions per release",
                        "history-max: unlimited", "history-max: " + settings.historyMax()
                                + " (the flag where written, else TILLER_HISTORY_MAX as helm init sets it)"));
            }
            case RESTRICT_SCOPE -> {
                SortedSet<String> allowed = new TreeSet<>(teamNamespaces);
                allowed.remove(tiller.storage().namespace());
                if (tiller.team().isEmpty()) {
                    refusal = refusal.or(() -> Optional.of("no team owns this Tiller: a platform admin gives its namespace to a team"
                            + " under \"Namespace ownership\" on the cluster's page first"));
                } else if (allowed.isEmpty()) {
                    refusal = refusal.or(() -> Optional.of("team " + tiller.team().get()
                            + " owns no namespace on this cluster besides the Tiller's own"));
                }
                String account = "default".equals(tiller.serviceAccount()) ? SERVICE_ACCOUNT : tiller.serviceAccount();
                parameters.put("namespaces", String.join(",", allowed));
                parameters.put("serviceAccount", account);
                parameters.put("previousServiceAccount", tiller.serviceAccount());
                parameters.put("storage", "secret".equals(tiller.storage().backend()) ? "secrets" : "configmaps");
                steps.add(new PlanStep("service-account", "Use a service account of its own",
                        "service account: " + tiller.serviceAccount(),
                        "service account: " + account + ("default".equals(tiller.serviceAccount()) ? " (created)" : " (kept)")));
                steps.add(new PlanStep("roles", "Grant workload rights per allowed namespace",
                        tiller.rbac().scope().clusterWide() ? "may create workloads cluster-wide"
                                : "may create workloads in " + tiller.rbac().scope().namespaces(),
                        "Role + RoleBinding " + WORKLOAD_ROLE + " in " + allowed
                                + " (core, apps, batch, extensions, networking, policy, autoscaling; get its namespace)\n"
                                + "Role + RoleBinding " + STORAGE_ROLE + " in " + tiller.storage().namespace() + " ("
                                + parameters.get("storage") + ")"));
                // RoleBindings that give its accounts rights outside the new scope: inside the team they are
                // taken apart; in another team's namespace Helm Warden writes nothing, so they are named instead.
                Set<String> accounts = new java.util.HashSet<>(List.of(account, tiller.serviceAccount()));
                SortedSet<String> inTeam = new TreeSet<>();
                SortedSet<String> elsewhere = new TreeSet<>();
                tiller.rbac().grants().stream()
                        .filter(g -> "RoleBinding".equals(g.bindingKind()) && !allowed.contains(g.namespace()))
                        .filter(g -> !(g.namespace().equals(tiller.storage().namespace())
                                && STORAGE_ROLE.equals(g.bindingName())))
                        .filter(g -> isAccount(g, tiller.namespace(), accounts))
                        .forEach(g -> (teamNamespaces.contains(g.namespace()) ? inTeam : elsewhere)
                                .add(g.namespace() + "/" + g.bindingName()));
                parameters.put("roleBindings", String.join(";", inTeam));
                steps.add(new PlanStep("outside-bindings", "Remove its RoleBindings outside the new scope",
                        inTeam.isEmpty() && elsewhere.isEmpty() ? "none"
                                : String.join("\n", inTeam.stream().map(b -> "RoleBinding " + b).toList())
                                        + (inTeam.isEmpty() || elsewhere.isEmpty() ? "" : "\n")
                                        + String.join("\n", elsewhere.stream().map(b -> "RoleBinding " + b
                                                + " (not the team's namespace)").toList()),
                        inTeam.isEmpty() ? "nothing to change in the team's namespaces"
                                : "its service account is no subject of " + inTeam
                                        + " (a binding left without subjects is deleted)"));
                elsewhere.forEach(binding -> toAccept.add("RoleBinding " + binding + " keeps granting this Tiller rights"
                        + " in namespace " + binding.substring(0, binding.indexOf('/')) + ", which is not team "
                        + tiller.team().orElse("?") + "'s: Helm Warden writes nothing there on this team's behalf; that"
                        + " namespace's owner or a platform admin removes the Tiller's account from it"));
                var clusterWide = tiller.rbac().grants().stream().filter(g -> g.clusterWide())
                        .map(g -> g.describeBinding()).distinct().toList();
                steps.add(new PlanStep("cluster-bindings", "Remove its cluster-wide bindings",
                        clusterWide.isEmpty() ? "none" : String.join("\n", clusterWide),
                        "its service account is no subject of any ClusterRoleBinding (bindings with other subjects keep them)"));
                steps.add(new PlanStep("switch-account", "Run Tiller as that service account",
                        "serviceAccountName: " + tiller.serviceAccount(), "serviceAccountName: " + account));
                releaseNamespaces.forEach((release, namespace) -> {
                    if (!allowed.contains(namespace)) {
                        toAccept.add("release " + release + " (namespace " + namespace + ") falls outside the new scope:"
                                + " Tiller can no longer upgrade or delete it");
                    }
                });
            }
            case RESTRICT_DRIVERS -> {
                var subjects = new java.util.LinkedHashSet<io.fabric8.kubernetes.api.model.rbac.Subject>();
                subjects.addAll(tiller.rbac().unexpectedDrivers());
                subjects.addAll(tiller.rbac().unexpectedThieves());
                if (subjects.isEmpty()) {
                    refusal = refusal.or(() -> Optional.of("only its owners, admins and the control plane may drive it"));
                }
                parameters.put("subjects", subjects.stream().map(HardeningPlan::encodeSubject)
                        .collect(Collectors.joining(";")));
                var clusterWide = tiller.rbac().outsiderGrants().stream().filter(Grant::clusterWide)
                        .filter(g -> "ClusterRoleBinding".equals(g.bindingKind())).toList();
                steps.add(new PlanStep("bindings", "Remove them from the RoleBindings in " + tiller.namespace(),
                        subjects.stream().map(HardeningPlan::describeSubject).collect(Collectors.joining("\n")),
                        "these subjects are no longer subjects of RoleBindings in " + tiller.namespace()
                                + " that let them create pods or port-forward; bindings keep their other subjects"
                                + (clusterWide.isEmpty() ? "" : "\nClusterRoleBindings: only those ticked below"
                                        + " change; the others are left as they are")));
                subjects.stream().filter(subject -> tiller.rbac().outsiderGrants().stream()
                                .anyMatch(g -> !g.clusterWide() && RbacPolicy.normalized(g).equals(subject)))
                        .forEach(subject -> toAccept.add(describeSubject(subject)
                                + " loses the right to create pods or port-forward in " + tiller.namespace()));
                clusterWide.stream().collect(Collectors.toMap(
                                g -> g.bindingName() + "|" + encodeSubject(RbacPolicy.normalized(g)), g -> g, (a, b) -> a,
                                java.util.TreeMap::new))
                        .forEach((id, g) -> options.add(new Option(id, describeSubject(RbacPolicy.normalized(g))
                                + " is taken out of ClusterRoleBinding " + g.bindingName() + " (" + g.roleKind() + " "
                                + g.roleName() + "): it loses what that binding gives in every namespace of the"
                                + " cluster, not only in " + tiller.namespace())));
            }
            default -> throw new IllegalStateException("unknown remediation " + kind);
        }
        return new HardeningPlan(kind, tiller.id(), List.copyOf(steps), refusal, List.copyOf(toAccept),
                List.copyOf(options), Map.copyOf(parameters));
    }

    /** Why no remediation can rewrite this Tiller's workload, when none can. */
    static Optional<String> commonRefusal(Tiller tiller) {
        if (tiller.storage().foreign()) {
            return Optional.of("Tiller keeps its release records in " + (tiller.storage().namespace().isEmpty()
                    ? "a namespace Helm Warden cannot resolve" : "namespace " + tiller.storage().namespace())
                    + " (" + tiller.storage().namespaceSource() + "), which its team does not own: no remediation"
                    + " writes there on its behalf. Point TILLER_NAMESPACE at the team's own namespace first");
        }
        if (!"Deployment".equals(tiller.workloadKind())) {
            return Optional.of("only a Tiller run as a Deployment can be remediated; this one is a " + tiller.workloadKind());
        }
        if (!tiller.command().isEmpty() && (tiller.command().get(0).endsWith("sh") || tiller.command().contains("-c"))) {
            return Optional.of("the Tiller starts through a shell (" + tiller.command().get(0)
                    + "): its flags cannot be rewritten safely; change the command by hand");
        }
        return Optional.empty();
    }

    private static boolean isAccount(Grant grant, String namespace, Set<String> accounts) {
        Subject subject = RbacPolicy.normalized(grant);
        return "ServiceAccount".equals(subject.getKind()) && namespace.equals(subject.getNamespace())
                && accounts.contains(subject.getName());
    }

    static String encodeSubject(io.fabric8.kubernetes.api.model.rbac.Subject subject) {
        return subject.getKind() + "|" + subject.getName() + "|" + Objects.requireNonNullElse(subject.getNamespace(), "");
    }

    static String describeSubject(io.fabric8.kubernetes.api.model.rbac.Subject subject) {
        return subject.getKind() + " " + (subject.getNamespace() == null || subject.getNamespace().isEmpty() ? ""
                : subject.getNamespace() + "/") + subject.getName();
    }

    /** Parameters as the run stores them: one {@code key=value} per line. */
    static String encode(Map<String, String> parameters) {
        return parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
    }

    static Map<String, String> decode(String stored) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (stored != null) {
            for (String line : stored.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    parameters.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return parameters;
    }
}
