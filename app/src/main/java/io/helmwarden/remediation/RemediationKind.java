package io.helmwarden.remediation;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Every remediation Helm Warden runs, in one place the compiler checks: its id (as runs, URLs and the checks'
 * {@code remediation} field name it), its titles, how its plan is computed from the inventory (for those a
 * person previews on a Tiller's page), and its steps in order, each bound to the code that runs it. Adding a
 * remediation is adding a constant here.
 */
public enum RemediationKind {

    MIGRATE_STORAGE("migrate-storage-to-secrets", "Move release records to Secrets",
            "Migrating release records to Secrets", TillerPlans::migrateStorage, StorageMigration::new, List.of(
                    Step.of("preflight", StorageMigration::preflight, StepRight.inStorage("list", "configmaps")),
                    Step.of("quiesce", StorageMigration::quiesce, StepRight.UPDATE_DEPLOYMENT, StepRight.LIST_PODS),
                    Step.of("copy", StorageMigration::copy, StepRight.inStorage("create", "secrets")),
                    Step.of("verify", StorageMigration::verify, StepRight.inStorage("list", "secrets")),
                    Step.of("switch", StorageMigration::switchToSecrets, StepRight.UPDATE_DEPLOYMENT),
                    Step.of("resume", StorageMigration::resume, StepRight.UPDATE_DEPLOYMENT),
                    Step.of("retire", StorageMigration::retire, StepRight.inStorage("update", "configmaps")))),
    ROLLBACK_STORAGE("rollback-storage-to-configmaps", "Roll back to ConfigMap storage",
            "Rolling back to ConfigMap storage", null, StorageMigration::new, List.of(
                    Step.of("quiesce", StorageMigration::quiesce, StepRight.UPDATE_DEPLOYMENT, StepRight.LIST_PODS),
                    Step.of("copy-back", StorageMigration::copyBack, StepRight.inStorage("create", "configmaps"),
                            StepRight.inStorage("update", "configmaps")),
                    Step.of("switch-back", StorageMigration::switchToConfigMaps, StepRight.UPDATE_DEPLOYMENT),
                    Step.of("resume", StorageMigration::resume, StepRight.UPDATE_DEPLOYMENT),
                    Step.of("unretire", StorageMigration::unretire, StepRight.inStorage("update", "configmaps"),
                            StepRight.inStorage("update", "secrets")))),
    ENABLE_TLS_VERIFY("enable-tls-verify", "Enable TLS with client certificate verification", TillerPlans::enableTlsVerify,
            TillerHardening::new, List.of(
                    Step.of("certificate", TillerHardening::certificate, StepRight.CREATE_SECRET,
                            StepRight.UPDATE_SECRET),
                    Step.of("configure", TillerHardening::configureTls, StepRight.UPDATE_DEPLOYMENT))),
    ROTATE_CERTIFICATE("rotate-certificate", "Issue a new server certificate", TillerPlans::rotateCertificate,
            TillerHardening::new, List.of(
                    Step.of("certificate", TillerHardening::certificate, StepRight.CREATE_SECRET,
                            StepRight.UPDATE_SECRET),
                    Step.of("configure", TillerHardening::configureTls, StepRight.UPDATE_DEPLOYMENT))),
    LISTEN_LOCALHOST("listen-localhost", "Listen on 127.0.0.1 only", TillerPlans::listenLocalhost, TillerHardening::new,
            List.of(Step.of("listen", TillerHardening::listenOnLoopback, StepRight.UPDATE_DEPLOYMENT))),
    REMOVE_SERVICE("remove-service", "Stop exposing the gRPC port through a Service", TillerPlans::removeService,
            TillerHardening::new, List.of(Step.of("service", TillerHardening::services,
                    StepRight.inTiller("update", "", "services"), StepRight.inTiller("delete", "", "services")))),
    DENY_INGRESS("deny-ingress", "Deny network ingress to the Tiller pods", TillerPlans::denyIngress,
            TillerHardening::new, List.of(Step.of("network-policy", TillerHardening::networkPolicy,
                    StepRight.inTiller("create", "networking.k8s.io", "networkpolicies")))),
    LIMIT_HISTORY("limit-history", "Limit release history", TillerPlans::limitHistory, TillerHardening::new,
            List.of(Step.of("history", TillerHardening::history, StepRight.UPDATE_DEPLOYMENT))),
    RESTRICT_SCOPE("restrict-scope", "Restrict Tiller to its team's namespaces", TillerPlans::restrictScope,
            TillerRights::new, List.of(
                    Step.of("service-account", TillerRights::serviceAccount,
                            StepRight.inTiller("create", "", "serviceaccounts")),
                    Step.of("roles", TillerRights::roles, StepRight.rbac("create", "roles", StepRight.Scope.LISTED_NAMESPACES),
                            StepRight.rbac("create", "rolebindings", StepRight.Scope.LISTED_NAMESPACES),
                            StepRight.rbac("create", "roles", StepRight.Scope.STORAGE),
                            StepRight.rbac("create", "rolebindings", StepRight.Scope.STORAGE)),
                    Step.of("outside-bindings", TillerRights::outsideBindings,
                            StepRight.rbac("update", "rolebindings", StepRight.Scope.LISTED_BINDINGS)),
                    Step.of("cluster-bindings", TillerRights::clusterBindings,
                            StepRight.rbac("update", "clusterrolebindings", StepRight.Scope.CLUSTER)),
                    Step.of("switch-account", TillerRights::switchAccount, StepRight.UPDATE_DEPLOYMENT))),
    RESTRICT_DRIVERS("restrict-drivers", "Remove who may drive or impersonate Tiller", TillerPlans::restrictDrivers,
            TillerRights::new, List.of(Step.of("bindings", TillerRights::removeDrivers,
                    StepRight.rbac("update", "rolebindings", StepRight.Scope.TILLER)))),
    CONVERT_TO_HELM3("migrate-to-helm3", "Convert releases to Helm 3", "Converting releases to Helm 3",
            TillerPlans::convertToHelm3, Helm3Conversion::new, List.of(
                    Step.of("preflight", Helm3Conversion::preflight, StepRight.onRecords("list"),
                            StepRight.inListed("list", "secrets"), StepRight.inListed("list", "configmaps")),
                    Step.of("quiesce", Helm3Conversion::quiesce, StepRight.UPDATE_DEPLOYMENT, StepRight.LIST_PODS),
                    Step.of("convert", Helm3Conversion::convert, StepRight.inListed("create", "secrets"),
                            StepRight.inListed("delete", "secrets")),
                    Step.of("verify", Helm3Conversion::verify, StepRight.inListed("list", "secrets")),
                    Step.of("hand-over", Helm3Conversion::handOver, StepRight.onRecords("update")),
                    Step.of("resume", Helm3Conversion::resume, StepRight.UPDATE_DEPLOYMENT))),
    REMOVE_TILLER("remove-tiller", "Remove this Tiller for good", "Removing a Tiller", TillerPlans::removeTiller,
            TillerRemoval::new, List.of(
                    Step.of("check-releases", TillerRemoval::checkReleases, StepRight.onRecords("list")),
                    Step.of("quiesce", TillerRemoval::quiesce, StepRight.UPDATE_DEPLOYMENT, StepRight.LIST_PODS),
                    Step.of("backups", TillerRemoval::backups, StepRight.onRecords("update")),
                    Step.of("deployment", TillerRemoval::deployment, StepRight.inTiller("delete", "apps", "deployments")),
                    Step.of("services", TillerRemoval::services, StepRight.inTiller("delete", "", "services")),
                    Step.of("tls-secret", TillerRemoval::tlsSecret, StepRight.inTiller("delete", "", "secrets")),
                    Step.of("role-bindings", TillerRemoval::roleBindings,
                            StepRight.rbac("update", "rolebindings", StepRight.Scope.LISTED_BINDINGS),
                            StepRight.rbac("delete", "rolebindings", StepRight.Scope.LISTED_BINDINGS)),
                    Step.of("cluster-bindings", TillerRemoval::clusterBindings,
                            StepRight.rbac("update", "clusterrolebindings", StepRight.Scope.CLUSTER),
                            StepRight.rbac("delete", "clusterrolebindings", StepRight.Scope.CLUSTER)),
                    Step.of("service-account", TillerRemoval::serviceAccount,
                            StepRight.inTiller("delete", "", "serviceaccounts")))),
    // Started from a conversion's run page while Helm 3 has not acted on what it wrote.
    UNDO_HELM3_CONVERSION("undo-helm3-conversion", "Undo a conversion to Helm 3", "Undoing a conversion to Helm 3", null,
            Helm3Conversion::new, List.of(
                    Step.of("check", Helm3Conversion::checkUntouched, StepRight.inListed("list", "secrets")),
                    Step.of("quiesce", Helm3Conversion::quiesce, StepRight.UPDATE_DEPLOYMENT, StepRight.LIST_PODS),
                    Step.of("remove", Helm3Conversion::remove, StepRight.inListed("delete", "secrets")),
                    Step.of("give-back", Helm3Conversion::giveBack, StepRight.onRecords("list"),
                            StepRight.onRecords("update")),
                    Step.of("resume", Helm3Conversion::resume, StepRight.UPDATE_DEPLOYMENT))),
    // Started from approved requests, by a platform admin, who sees these rights checked on the request's page.
    PROVISION_TILLER("provision-tiller", "Create a hardened Tiller", null, TillerProvisioning::new, List.of(
            Step.of("namespaces", TillerProvisioning::namespaces, new StepRight("create", "", "namespaces",
                    StepRight.Scope.CLUSTER)),
            Step.of("service-account", (TillerProvisioning p) -> p.rights().serviceAccount(),
                    StepRight.inTiller("create", "", "serviceaccounts")),
            Step.of("roles", (TillerProvisioning p) -> p.rights().roles(),
                    StepRight.rbac("create", "roles", StepRight.Scope.LISTED_NAMESPACES),
                    StepRight.rbac("create", "rolebindings", StepRight.Scope.LISTED_NAMESPACES),
                    StepRight.rbac("create", "roles", StepRight.Scope.TILLER),
                    StepRight.rbac("create", "rolebindings", StepRight.Scope.TILLER)),
            Step.of("team-access", TillerProvisioning::teamAccess),
            Step.of("certificate", (TillerProvisioning p) -> p.hardening().certificate(), StepRight.CREATE_SECRET),
            Step.of("deployment", TillerProvisioning::deployment, StepRight.inTiller("create", "apps", "deployments")),
            Step.of("network-policy", (TillerProvisioning p) -> p.hardening().networkPolicy(),
                    StepRight.inTiller("create", "networking.k8s.io", "networkpolicies")))),
    DECOMMISSION_TILLER("decommission-tiller", "Remove a Tiller Helm Warden created", null, TillerDecommission::new,
            List.of(Step.of("check-releases", TillerDecommission::checkReleases),
                    Step.of("deployment", TillerDecommission::deployment,
                            StepRight.inTiller("delete", "apps", "deployments")),
                    Step.of("network-policy", TillerDecommission::networkPolicy,
                            StepRight.inTiller("delete", "networking.k8s.io", "networkpolicies")),
                    Step.of("team-access", TillerDecommission::teamAccess),
                    Step.of("roles", TillerDecommission::roles,
                            StepRight.rbac("delete", "roles", StepRight.Scope.LISTED_NAMESPACES),
                            StepRight.rbac("delete", "rolebindings", StepRight.Scope.LISTED_NAMESPACES),
                            StepRight.rbac("delete", "roles", StepRight.Scope.TILLER),
                            StepRight.rbac("delete", "rolebindings", StepRight.Scope.TILLER)),
                    Step.of("certificate", TillerDecommission::certificate, StepRight.inTiller("delete", "", "secrets")),
                    Step.of("service-account", TillerDecommission::serviceAccount,
                            StepRight.inTiller("delete", "", "serviceaccounts")),
                    Step.of("namespace", TillerDecommission::namespace,
                            new StepRight("delete", "", "namespaces", StepRight.Scope.CLUSTER))));

    /**
     * Remediation ids the checks name that have no guided run (yet): the check's page says how, with references.
     * A check naming an id that is neither this nor a kind stops the start.
     */
    public static final Set<String> DESCRIBED_ONLY = Set.of("assign-owner", "clean-stale-records", "dedicated-namespace",
            "disable-host-network", "fix-storage-namespace", "review-release", "upgrade-tiller");

    /**
     * One step of a remediation: its name (as runs store it), the code that runs it on a family of steps, and the
     * rights it needs in the cluster (checked for the person at preview where a cluster acts as persons).
     */
    record Step<F>(String name, Function<F, String> action, List<StepRight> rights) {
        static <F> Step<F> of(String name, Function<F, String> action, StepRight... rights) {
            return new Step<>(name, action, List.of(rights));
        }
    }


    private final String id;
    private final String title;
    private final String runTitle;
    private final BiConsumer<PlanInput, TillerPlans.Draft> plan;
    private final List<String> stepNames;
    private final List<? extends Step<?>> steps;
    /** Runs the named step against a run's context: the family built from the context, then the step's action. */
    private final Runner runner;

    interface Runner {
        String run(StepContext context, String step);
    }

    RemediationKind(String id, String title, BiConsumer<PlanInput, TillerPlans.Draft> plan,
            Function<StepContext, ?> family, List<? extends Step<?>> steps) {
        this(id, title, title, plan, family, steps);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    RemediationKind(String id, String title, String runTitle, BiConsumer<PlanInput, TillerPlans.Draft> plan,
            Function<StepContext, ?> family, List<? extends Step<?>> steps) {
        this.id = id;
        this.title = title;
        this.runTitle = runTitle;
        this.plan = plan;
        this.stepNames = steps.stream().map(Step::name).toList();
        this.steps = steps;
        this.runner = (context, name) -> {
            Step step = steps.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(id + " has no step " + name));
            return (String) step.action().apply(family.apply(context));
        };
    }

    public String id() {
        return id;
    }

    /** What the remediation does, as its preview says it. */
    public String title() {
        return title;
    }

    /** What a run of it is doing, as the run's page says it. */
    public String runTitle() {
        return runTitle;
    }

    public List<String> stepNames() {
        return stepNames;
    }

    /** Every right this remediation's steps need for a Tiller, where they apply, step by step. */
    public List<StepRight.Needed> rightsNeeded(String tillerId, String storageNamespace, RunParameters parameters) {
        String tillerNamespace = io.helmwarden.inventory.TillerId.parse(tillerId).namespace();
        return steps.stream().flatMap(step -> step.rights().stream()
                .flatMap(right -> right.in(step.name(), tillerNamespace, storageNamespace, parameters))).toList();
    }

    /** Whether a person previews it on a Tiller's page (the others start from a run or a request). */
    public boolean previewed() {
        return plan != null;
    }

    /** The plan of this remediation for a Tiller, computed from the inventory alone. */
    public RemediationPlan plan(PlanInput input) {
        if (plan == null) {
            throw new IllegalStateException(id + " is not planned from a Tiller's page");
        }
        TillerPlans.Draft draft = new TillerPlans.Draft(TillerPlans.commonRefusal(input.tiller()));
        plan.accept(input, draft);
        return draft.build(this, input.tiller().id());
    }

    String run(StepContext context, String step) {
        return runner.run(context, step);
    }

    /** The kind an id names; a check's "dedicated-service-account" comes with a restricted scope. */
    public static Optional<RemediationKind> of(String id) {
        String wanted = "dedicated-service-account".equals(id) ? RESTRICT_SCOPE.id : id;
        return Arrays.stream(values()).filter(kind -> kind.id.equals(wanted)).findFirst();
    }

    /** Every kind previewed on a Tiller's page, in this order. */
    public static List<RemediationKind> previewedKinds() {
        return Arrays.stream(values()).filter(RemediationKind::previewed).toList();
    }
}
