package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.rbac.Grant;
import io.helmwarden.rbac.RbacPolicy;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.remediation.RunParameters.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * How each remediation previewed on a Tiller's page plans its change, from the inventory alone (nothing here
 * touches a cluster): the steps with their before and after, why it cannot run, what the person must accept,
 * the options offered, and the parameters the run keeps. {@link RemediationKind} names which method plans which.
 */
final class TillerPlans {

    static final String SERVICE_ACCOUNT = "tiller";
    static final String CERTS_DIR = "/etc/certs";
    static final String LOOPBACK_LISTEN = "127.0.0.1:44134";
    static final String NETWORK_POLICY = "tiller-deny-ingress";
    static final String WORKLOAD_ROLE = "helm-warden-tiller";
    static final String STORAGE_ROLE = "helm-warden-tiller-storage";

    private TillerPlans() {
    }

    /** A plan being written: a step's method adds to it; the first refusal wins. */
    static final class Draft {
        final List<PlanStep> steps = new ArrayList<>();
        final List<String> toAccept = new ArrayList<>();
        final List<RemediationPlan.Option> options = new ArrayList<>();
        private RunParameters parameters = RunParameters.none();
        private Optional<String> refusal;

        Draft(Optional<String> refusal) {
            this.refusal = refusal;
        }

        void refuse(Supplier<Optional<String>> reason) {
            refusal = refusal.or(reason);
        }

        void put(Key key, String value) {
            parameters = parameters.with(key, value);
        }

        void put(Key key, java.util.Collection<String> list) {
            parameters = parameters.with(key, list);
        }

        String get(Key key) {
            return parameters.text(key).orElse("");
        }

        RemediationPlan build(RemediationKind kind, String tillerId) {
            return new RemediationPlan(kind, tillerId, List.copyOf(steps), refusal, List.copyOf(toAccept),
                    List.copyOf(options), parameters);
        }
    }

    private static void requireCertificates(PlanInput in, Draft plan) {
        if (!in.settings().certificatesConfigured()) {
            plan.refuse(() -> Optional.of("helmwarden.pki.key-encryption-key is not set: Helm Warden keeps no"
                    + " CA key unencrypted, so it issues no certificates until it is configured"));
        }
    }

    /**
     * Moving a Tiller's records from ConfigMaps to Secrets: what each step will change, before and after.
     */
    static void migrateStorage(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        if (!tiller.storage().inConfigMaps()) {
            plan.refuse(() -> Optional.of("this Tiller already stores releases in " + tiller.storage().backend()));
        }
        List<ReleaseRecord> records = tiller.records().stream().filter(r -> ReleaseStorage.CONFIGMAP.kind().equals(r.kind())).toList();
        var flags = TillerFlagRewriter.set(tiller.command(), tiller.args(), "storage", ReleaseStorage.SECRET.flag());
        plan.steps.add(new PlanStep("preflight", "Check rights and name collisions",
                records.size() + " ConfigMap records in " + tiller.storage().namespace(),
                "no Secret of the same name with different content; records and sizes checked"));
        plan.steps.add(new PlanStep("quiesce", "Stop Tiller so it cannot write mid-copy",
                "replicas: " + tiller.desiredReplicas(), "replicas: 0, no Tiller pod running"));
        plan.steps.add(new PlanStep("copy", "Copy every record to a Secret",
                String.join(", ", records.stream().map(ReleaseRecord::objectName).limit(20).toList())
                        + (records.size() > 20 ? " and " + (records.size() - 20) + " more" : "") + " as ConfigMaps",
                "the same names, labels and payloads as Secrets (as Tiller's secret driver writes them)"));
        plan.steps.add(new PlanStep("verify", "Verify each Secret against its ConfigMap",
                "-", "every Secret byte-identical to its ConfigMap, and each decodes as a Helm 2 release"));
        plan.steps.add(new PlanStep("switch", "Switch Tiller to Secret storage",
                "command: " + tiller.command() + "\nargs: " + tiller.args(),
                "command: " + (flags.command() == null ? "[]" : flags.command()) + "\nargs: " + flags.args()));
        plan.steps.add(new PlanStep("resume", "Start Tiller again", "replicas: 0", "replicas: " + tiller.desiredReplicas()));
        plan.steps.add(new PlanStep("retire", "Keep the ConfigMaps as labelled backups",
                "ConfigMaps read by Tiller", "ConfigMaps labelled helm-warden.io/migrated=true, kept for rollback"));
    }

    static void enableTlsVerify(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        Tiller.Tls tls = tiller.tls();
        requireCertificates(in, plan);
        if (tls.enabled() && tls.verify() && tls.caPresent()) {
            plan.refuse(() -> Optional.of("TLS with client verification is already on"));
        }
        boolean verifyOnly = tls.enabled() && tls.certificate().isPresent();
        plan.put(Key.MODE, verifyOnly ? "verify-only" : "full");
        plan.put(Key.SECRET, tls.secretName());
        plan.steps.add(verifyOnly
                ? new PlanStep("certificate", "Add Helm Warden's CA to the TLS Secret, for client verification",
                        "Secret " + tls.secretName() + ": tls.crt, tls.key" + (tls.caPresent() ? ", ca.crt" : ""),
                        "Secret " + tls.secretName() + ": tls.crt, tls.key kept; ca.crt = Helm Warden's CA for this Tiller")
                : new PlanStep("certificate", "Issue a server certificate and write it with the CA",
                        tls.certificate().map(c -> "certificate " + c.subject()).orElse("no server certificate"),
                        "Secret " + tls.secretName() + ": tls.crt (SANs 127.0.0.1, localhost, tiller-deploy, tiller-deploy."
                                + tiller.namespace() + ", tiller-deploy." + tiller.namespace() + ".svc), tls.key, ca.crt"));
        plan.steps.add(new PlanStep("configure", "Mount the Secret and turn verification on",
                "TLS: " + tls.source(),
                (verifyOnly ? "" : "volume " + tls.secretName() + " mounted read-only at " + CERTS_DIR
                        + "\nTILLER_TLS_ENABLE=1\nTILLER_TLS_CERTS=" + CERTS_DIR + "\n")
                        + "TILLER_TLS_VERIFY=1\n--tls/--tls-verify flags, where written, set to true"
                        + "\npods restarted to load it; every other field kept"));
        plan.toAccept.add("Helm clients then need a client certificate from Helm Warden's CA for this Tiller"
                + " (Client certificates on the Tiller page)");
    }

    static void rotateCertificate(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        Tiller.Tls tls = tiller.tls();
        requireCertificates(in, plan);
        if (!tls.enabled()) {
            plan.refuse(() -> Optional.of("TLS is off: enable TLS with client verification instead"));
        }
        plan.put(Key.MODE, "full");
        plan.put(Key.SECRET, tls.secretName());
        plan.steps.add(new PlanStep("certificate", "Issue a new server certificate",
                tls.certificate().map(c -> c.subject() + ", issued by " + c.issuer() + ", valid until " + c.notAfter())
                        .orElse("no readable server certificate"),
                "a certificate from Helm Warden's CA with the loopback and Service SANs; ca.crt = that CA"));
        plan.steps.add(new PlanStep("configure", "Restart Tiller with it", "pods serve the old certificate",
                "pods restarted (a pod-template annotation changes); every other field kept"));
    }

    static void listenLocalhost(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        if (tiller.exposure().loopbackOnly()) {
            plan.refuse(() -> Optional.of("Tiller already listens on " + tiller.exposure().listen()));
        }
        var flags = TillerFlagRewriter.set(tiller.command(), tiller.args(), "listen", LOOPBACK_LISTEN);
        plan.steps.add(new PlanStep("listen", "Listen on the loopback interface only",
                "listen: " + tiller.exposure().listen() + "\ncommand: " + tiller.command() + "\nargs: " + tiller.args(),
                "listen: " + LOOPBACK_LISTEN + "\ncommand: " + (flags.command() == null ? "[]" : flags.command())
                        + "\nargs: " + flags.args() + "\n(helm reaches it by port-forwarding, as always)"));
    }

    static void removeService(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        PlanInput.Settings settings = in.settings();
        var services = tiller.exposure().services();
        if (services.isEmpty()) {
            plan.refuse(() -> Optional.of("no Service exposes Tiller's gRPC port"));
        }
        plan.put(Key.SERVICES, services.stream().map(Tiller.ExposingService::name).toList());
        plan.put(Key.KEEP_SERVICE, String.valueOf(settings.keepService()));
        plan.steps.add(new PlanStep("service", settings.keepService() ? "Make the Service cluster-internal" : "Delete the Service",
                services.stream().map(s -> "Service " + s.name() + " (" + s.type() + ", ports " + s.ports() + ")")
                        .collect(Collectors.joining("\n")),
                settings.keepService() ? "the same Services as type ClusterIP, node ports released"
                        : "no Service; helm reaches Tiller by port-forwarding"));
    }

    static void denyIngress(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        if (!tiller.exposure().ingressPolicies().isEmpty()) {
            plan.refuse(() -> Optional.of("ingress is already restricted by "
                    + tiller.exposure().ingressPolicies()));
        }
        plan.steps.add(new PlanStep("network-policy", "Add a NetworkPolicy denying all ingress to the Tiller pods",
                "no NetworkPolicy selects the Tiller pods",
                "NetworkPolicy " + NETWORK_POLICY + ": pods of the Tiller Deployment, policy type Ingress, no rule"
                        + " (port-forwarding goes through the kubelet and still works)"));
    }

    /**
     * Converting a Tiller's releases (or one of them) to Helm 3 in place: every Secret written is listed, every field
     * Helm 3 cannot keep and every revision left behind is to be accepted, and any blocker refuses the plan.
     */
    static void convertToHelm3(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        Helm3Survey.Preview preview = in.conversion().orElseThrow(() ->
                new IllegalStateException("a conversion is planned from a survey of the Tiller's records"));
        List<Helm3Survey.ReleaseConversion> releases = preview.releases();
        if (releases.isEmpty()) {
            plan.refuse(() -> Optional.of(preview.release().map(name -> "this Tiller stores no release " + name)
                    .orElse("this Tiller stores no Helm 2 release: nothing to convert")));
        }
        List<String> blockers = new ArrayList<>();
        for (var release : releases) {
            release.blockers().forEach(reason -> blockers.add(release.release() + ": " + reason));
        }
        if (!blockers.isEmpty()) {
            plan.refuse(() -> Optional.of(String.join("; ", blockers)));
        }
        int revisions = releases.stream().mapToInt(r -> r.revisions().size()).sum();
        List<String> namespaces = releases.stream().map(Helm3Survey.ReleaseConversion::namespace).filter(n -> !n.isEmpty())
                .distinct().sorted().toList();
        plan.put(Key.RELEASES, releases.stream().map(Helm3Survey.ReleaseConversion::release).toList());
        plan.put(Key.NAMESPACES, namespaces);
        plan.put(Key.MAX_REVISIONS, Integer.toString(preview.maxRevisions()));
        plan.put(Key.STORAGE_RESOURCE, (ReleaseStorage.ofFlag(tiller.storage().backend()).orElse(ReleaseStorage.CONFIGMAP))
                .resource());
        plan.steps.add(new PlanStep("preflight", "Read every revision again and check nothing blocks",
                count(releases.size(), "release") + ", " + count(revisions, "revision") + " in " + tiller.storage().namespace(),
                "every record decodes, every namespace exists, no Helm 3 history of these names, each record under 1 MiB"));
        plan.steps.add(new PlanStep("quiesce", "Stop Tiller so it cannot write mid-way",
                "replicas: " + tiller.desiredReplicas(), "replicas: 0, no Tiller pod running"));
        plan.steps.add(new PlanStep("convert", "Write the Helm 3 records, oldest revision first",
                "no Helm 3 record of these releases in " + String.join(", ", namespaces),
                revisions + " Secrets of type " + io.helmwarden.release.Helm3Records.TYPE + " (listed below), each entered"
                        + " in the conversion ledger"));
        plan.steps.add(new PlanStep("verify", "Read each record back and compare it",
                "-", "labels agree with the JSON, the JSON equals its Helm 2 revision converted again; anything else"
                        + " removes every record written"));
        plan.steps.add(new PlanStep("hand-over", "Keep the Helm 2 records as backups Tiller no longer lists",
                "OWNER=TILLER", "OWNER=" + Helm2History.HANDED_OVER_OWNER + ", payloads untouched (an undo gives them back)"));
        plan.steps.add(new PlanStep("resume", "Start Tiller again for what it still manages", "replicas: 0",
                "replicas: " + tiller.desiredReplicas()));
        plan.toAccept.add("From then on these releases are Helm 3's: helm 2 no longer lists them, use helm 3 (helm list -n"
                + " <namespace>). Their records, values included, live in each release's namespace, readable by whoever"
                + " may read Secrets there.");
        for (var release : releases) {
            if (!release.leftBehind().isEmpty()) {
                plan.toAccept.add(release.release() + ": revisions " + release.leftBehind() + " stay in Helm 2 only (the"
                        + " newest " + preview.maxRevisions() + " are converted); Helm 3 cannot roll back to them");
            }
            release.notCarried().forEach(item -> plan.toAccept.add(release.release() + ": " + item));
            release.warnings().forEach(item -> plan.toAccept.add(release.release() + ": " + item));
        }
    }

    /**
     * Removing a Tiller whose releases are all Helm 3's: every object that goes is listed, with the bindings that
     * give its account rights; the Helm 2 records it handed over stay as backups for the retention period.
     */
    static void removeTiller(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        List<String> releases = tiller.records().stream().map(ReleaseRecord::release).distinct().sorted().toList();
        if (!releases.isEmpty()) {
            plan.refuse(() -> Optional.of((releases.size() == 1 ? "1 release is" : releases.size() + " releases are")
                    + " still Helm 2's (" + String.join(", ",
                    releases.stream().limit(10).toList()) + (releases.size() > 10 ? ", …" : "") + "): convert "
                    + (releases.size() == 1 ? "it" : "them") + " to"
                    + " Helm 3 first"));
        }
        String account = tiller.serviceAccount();
        Set<String> writable = new java.util.HashSet<>(in.teamNamespaces());
        writable.add(tiller.namespace());
        SortedSet<String> roleBindings = new TreeSet<>();
        SortedSet<String> elsewhere = new TreeSet<>();
        tiller.rbac().grants().stream().filter(g -> "RoleBinding".equals(g.bindingKind()))
                .filter(g -> isAccount(g, tiller.namespace(), Set.of(account)))
                .forEach(g -> (writable.contains(g.namespace()) ? roleBindings : elsewhere)
                        .add(g.namespace() + "/" + g.bindingName()));
        var clusterWide = tiller.rbac().grants().stream().filter(g -> g.clusterWide()).map(g -> g.describeBinding())
                .distinct().toList();
        var services = tiller.exposure().services().stream().map(Tiller.ExposingService::name).toList();
        plan.put(Key.SERVICES, services);
        plan.put(Key.SERVICE_ACCOUNT, account);
        plan.put(Key.ROLE_BINDINGS, roleBindings);
        if (tiller.tls().enabled() || tiller.tls().caPresent()) {
            plan.put(Key.SECRET, tiller.tls().secretName());
        }
        plan.steps.add(new PlanStep("check-releases", "Check no release is still Helm 2's",
                tiller.records().size() + " records Tiller lists", "none: every release converted (or deleted with helm 2)"));
        plan.steps.add(new PlanStep("quiesce", "Stop Tiller", "replicas: " + tiller.desiredReplicas(),
                "replicas: 0, no Tiller pod running"));
        plan.steps.add(new PlanStep("backups", "Keep the Helm 2 records as backups for the retention period",
                "records labelled OWNER=" + Helm2History.HANDED_OVER_OWNER + " in " + tiller.storage().namespace(),
                "annotated " + StorageMigration.DELETE_AFTER_ANNOTATION + ": deleted when the retention ends"));
        plan.steps.add(new PlanStep("deployment", "Delete the Tiller", tiller.workload(), "deleted"));
        plan.steps.add(new PlanStep("services", "Delete the Services that reach it",
                services.isEmpty() ? "none" : String.join(", ", services.stream().map(n -> "Service " + n).toList()),
                services.isEmpty() ? "nothing to delete" : "deleted"));
        plan.steps.add(new PlanStep("tls-secret", "Delete its TLS Secret (helm-2to3 leaves it behind)",
                plan.get(Key.SECRET).isEmpty() ? "no TLS Secret" : "Secret " + plan.get(Key.SECRET)
                        + " (server key and CA)", plan.get(Key.SECRET).isEmpty() ? "nothing to delete" : "deleted"));
        plan.steps.add(new PlanStep("role-bindings", "Take its account out of RoleBindings",
                roleBindings.isEmpty() ? "none" : String.join("\n", roleBindings.stream().map(b -> "RoleBinding " + b).toList()),
                "ServiceAccount " + account + " is no subject of them (a binding left without subjects is deleted)"));
        plan.steps.add(new PlanStep("cluster-bindings", "Take its account out of cluster-wide bindings",
                clusterWide.isEmpty() ? "none" : String.join("\n", clusterWide),
                "ServiceAccount " + account + " is no subject of any ClusterRoleBinding (the cluster-admin binding is"
                        + " the real risk)"));
        plan.steps.add(new PlanStep("service-account", "Delete its service account", "ServiceAccount " + account,
                "default".equals(account) ? "kept: it is the namespace's default" : "deleted"));
        plan.toAccept.add("Irreversible: the Tiller, its Services, TLS Secret, bindings and service account are deleted;"
                + " helm 2 can no longer reach anything through it. The Helm 2 records stay as backups until their"
                + " retention ends (helmwarden.remediation.backup-retention), then are deleted.");
        elsewhere.forEach(binding -> plan.toAccept.add("RoleBinding " + binding + " keeps naming ServiceAccount "
                + account + " in namespace " + binding.substring(0, binding.indexOf('/')) + ", which is not the Tiller's"
                + " team's: Helm Warden writes nothing there; its owner removes it"));
    }

    static void limitHistory(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        PlanInput.Settings settings = in.settings();
        if (tiller.historyMax() > 0) {
            plan.refuse(() -> Optional.of("history is already limited to " + tiller.historyMax()));
        }
        if (settings.historyMax() < 1) {
            // Tiller reads 0 as "unlimited": such a setting would change nothing.
            plan.refuse(() -> Optional.of("helmwarden.remediation.history-max is " + settings.historyMax()
                    + ": set it to 1 or more"));
        }
        plan.put(Key.HISTORY_MAX, String.valueOf(settings.historyMax()));
        plan.steps.add(new PlanStep("history", "Keep at most " + settings.historyMax() + " revisions per release",
                "history-max: unlimited", "history-max: " + settings.historyMax()
                        + " (the flag where written, else TILLER_HISTORY_MAX as helm init sets it)"));
    }

    static void restrictScope(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        List<String> teamNamespaces = in.teamNamespaces();
        Map<String, String> releaseNamespaces = in.releaseNamespaces();
        SortedSet<String> allowed = new TreeSet<>(teamNamespaces);
        allowed.remove(tiller.storage().namespace());
        if (tiller.team().isEmpty()) {
            plan.refuse(() -> Optional.of("no team owns this Tiller: a platform admin gives its namespace to a team"
                    + " under \"Namespace ownership\" on the cluster's page first"));
        } else if (allowed.isEmpty()) {
            plan.refuse(() -> Optional.of("team " + tiller.team().get()
                    + " owns no namespace on this cluster besides the Tiller's own"));
        }
        String account = "default".equals(tiller.serviceAccount()) ? SERVICE_ACCOUNT : tiller.serviceAccount();
        plan.put(Key.NAMESPACES, allowed);
        plan.put(Key.SERVICE_ACCOUNT, account);
        plan.put(Key.PREVIOUS_SERVICE_ACCOUNT, tiller.serviceAccount());
        plan.put(Key.STORAGE_RESOURCE, (ReleaseStorage.ofFlag(tiller.storage().backend()).orElse(ReleaseStorage.CONFIGMAP)).resource());
        plan.steps.add(new PlanStep("service-account", "Use a service account of its own",
                "service account: " + tiller.serviceAccount(),
                "service account: " + account + ("default".equals(tiller.serviceAccount()) ? " (created)" : " (kept)")));
        plan.steps.add(new PlanStep("roles", "Grant workload rights per allowed namespace",
                tiller.rbac().scope().clusterWide() ? "may create workloads cluster-wide"
                        : "may create workloads in " + tiller.rbac().scope().namespaces(),
                "Role + RoleBinding " + WORKLOAD_ROLE + " in " + allowed
                        + " (core, apps, batch, extensions, networking, policy, autoscaling; get its namespace)\n"
                        + "Role + RoleBinding " + STORAGE_ROLE + " in " + tiller.storage().namespace() + " ("
                        + plan.get(Key.STORAGE_RESOURCE) + ")"));
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
        plan.put(Key.ROLE_BINDINGS, inTeam);
        plan.steps.add(new PlanStep("outside-bindings", "Remove its RoleBindings outside the new scope",
                inTeam.isEmpty() && elsewhere.isEmpty() ? "none"
                        : String.join("\n", inTeam.stream().map(b -> "RoleBinding " + b).toList())
                                + (inTeam.isEmpty() || elsewhere.isEmpty() ? "" : "\n")
                                + String.join("\n", elsewhere.stream().map(b -> "RoleBinding " + b
                                        + " (not the team's namespace)").toList()),
                inTeam.isEmpty() ? "nothing to change in the team's namespaces"
                        : "its service account is no subject of " + inTeam
                                + " (a binding left without subjects is deleted)"));
        elsewhere.forEach(binding -> plan.toAccept.add("RoleBinding " + binding + " keeps granting this Tiller rights"
                + " in namespace " + binding.substring(0, binding.indexOf('/')) + ", which is not team "
                + tiller.team().orElse("?") + "'s: Helm Warden writes nothing there on this team's behalf; that"
                + " namespace's owner or a platform admin removes the Tiller's account from it"));
        var clusterWide = tiller.rbac().grants().stream().filter(g -> g.clusterWide())
                .map(g -> g.describeBinding()).distinct().toList();
        plan.steps.add(new PlanStep("cluster-bindings", "Remove its cluster-wide bindings",
                clusterWide.isEmpty() ? "none" : String.join("\n", clusterWide),
                "its service account is no subject of any ClusterRoleBinding (bindings with other subjects keep them)"));
        plan.steps.add(new PlanStep("switch-account", "Run Tiller as that service account",
                "serviceAccountName: " + tiller.serviceAccount(), "serviceAccountName: " + account));
        releaseNamespaces.forEach((release, namespace) -> {
            if (!allowed.contains(namespace)) {
                plan.toAccept.add("release " + release + " (namespace " + namespace + ") falls outside the new scope:"
                        + " Tiller can no longer upgrade or delete it");
            }
        });
    }

    static void restrictDrivers(PlanInput in, Draft plan) {
        Tiller tiller = in.tiller();
        var subjects = new java.util.LinkedHashSet<io.fabric8.kubernetes.api.model.rbac.Subject>();
        subjects.addAll(tiller.rbac().unexpectedDrivers());
        subjects.addAll(tiller.rbac().unexpectedThieves());
        if (subjects.isEmpty()) {
            plan.refuse(() -> Optional.of("only its owners, admins and the control plane may drive it"));
        }
        plan.put(Key.SUBJECTS, subjects.stream().map(TillerPlans::encodeSubject).toList());
        var clusterWide = tiller.rbac().outsiderGrants().stream().filter(Grant::clusterWide)
                .filter(g -> "ClusterRoleBinding".equals(g.bindingKind())).toList();
        plan.steps.add(new PlanStep("bindings", "Remove them from the RoleBindings in " + tiller.namespace(),
                subjects.stream().map(TillerPlans::describeSubject).collect(Collectors.joining("\n")),
                "these subjects are no longer subjects of RoleBindings in " + tiller.namespace()
                        + " that let them create pods or port-forward; bindings keep their other subjects"
                        + (clusterWide.isEmpty() ? "" : "\nClusterRoleBindings: only those ticked below"
                                + " change; the others are left as they are")));
        subjects.stream().filter(subject -> tiller.rbac().outsiderGrants().stream()
                        .anyMatch(g -> !g.clusterWide() && RbacPolicy.normalized(g).equals(subject)))
                .forEach(subject -> plan.toAccept.add(describeSubject(subject)
                        + " loses the right to create pods or port-forward in " + tiller.namespace()));
        clusterWide.stream().collect(Collectors.toMap(
                        g -> g.bindingName() + "|" + encodeSubject(RbacPolicy.normalized(g)), g -> g, (a, b) -> a,
                        java.util.TreeMap::new))
                .forEach((id, g) -> plan.options.add(new RemediationPlan.Option(id, describeSubject(RbacPolicy.normalized(g))
                        + " is taken out of ClusterRoleBinding " + g.bindingName() + " (" + g.roleKind() + " "
                        + g.roleName() + "): it loses what that binding gives in every namespace of the"
                        + " cluster, not only in " + tiller.namespace())));
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

    /** "1 release", "3 releases". */
    static String count(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    static String encodeSubject(io.fabric8.kubernetes.api.model.rbac.Subject subject) {
        return subject.getKind() + "|" + subject.getName() + "|" + Objects.requireNonNullElse(subject.getNamespace(), "");
    }

    static String describeSubject(io.fabric8.kubernetes.api.model.rbac.Subject subject) {
        return subject.getKind() + " " + (subject.getNamespace() == null || subject.getNamespace().isEmpty() ? ""
                : subject.getNamespace() + "/") + subject.getName();
    }

}
