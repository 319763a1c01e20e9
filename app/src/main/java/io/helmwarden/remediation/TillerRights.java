package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.cluster.KubeObjects;
import io.helmwarden.remediation.RunParameters.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The steps that change who Tiller is and who may drive it (restrict-scope, restrict-drivers, and provisioning's
 * account and roles), through {@link ClusterObjects}: its own service account, Roles in the allowed namespaces
 * only, its accounts taken out of bindings outside the scope, outsiders taken out of the bindings that let them
 * drive it. Each step is idempotent and judges bindings as they are now: only the subjects the plan names are
 * ever taken out, and a binding left without subjects is deleted.
 */
final class TillerRights {

    private static final String MANAGED_LABEL = TillerHardening.MANAGED_LABEL;

    private final ClusterObjects cluster;
    private final RemediationRun run;
    private final RunParameters parameters;

    TillerRights(StepContext context) {
        this.cluster = context.cluster();
        this.run = context.run();
        this.parameters = run.parameters();
    }

    String serviceAccount() {
        String name = parameters.required(Key.SERVICE_ACCOUNT);
        if (cluster.serviceAccounts().get(run.namespace(), name).isPresent()) {
            return "ServiceAccount " + name + " already there";
        }
        cluster.serviceAccounts().create(new ServiceAccountBuilder().withNewMetadata()
                .withName(name).withNamespace(run.namespace()).addToLabels(MANAGED_LABEL, "helm-warden").endMetadata()
                .build());
        return "ServiceAccount " + name + " created";
    }

    /** Roles and bindings are created, or brought to what the plan says: running again changes nothing. */
    String roles() {
        Subject subject = tillerSubject(parameters.required(Key.SERVICE_ACCOUNT));
        List<String> namespaces = parameters.list(Key.NAMESPACES);
        for (String namespace : namespaces) {
            apply(namespace, TillerPlans.WORKLOAD_ROLE, List.of(
                    new PolicyRuleBuilder().withApiGroups("", "apps", "batch", "extensions", "networking.k8s.io",
                            "policy", "autoscaling").withResources("*").withVerbs("*").build(),
                    new PolicyRuleBuilder().withApiGroups("").withResources("namespaces").withResourceNames(namespace)
                            .withVerbs("get").build()), subject);
        }
        String storage = parameters.required(Key.STORAGE_RESOURCE);
        apply(run.storageNamespace(), TillerPlans.STORAGE_ROLE, List.of(new PolicyRuleBuilder().withApiGroups("")
                .withResources(storage).withVerbs("*").build()), subject);
        return "Role and RoleBinding " + TillerPlans.WORKLOAD_ROLE + " in " + namespaces + "; "
                + TillerPlans.STORAGE_ROLE + " (" + storage + ") in " + run.storageNamespace();
    }

    private void apply(String namespace, String name, List<PolicyRule> rules, Subject subject) {
        ObjectMeta meta = new ObjectMeta();
        meta.setName(name);
        meta.setNamespace(namespace);
        meta.setLabels(Map.of(MANAGED_LABEL, "helm-warden"));
        Optional<Role> role = cluster.roles().get(namespace, name);
        if (role.isEmpty()) {
            cluster.roles().create(new RoleBuilder().withMetadata(meta).withRules(rules).build());
        } else if (!rules.equals(role.get().getRules())) {
            cluster.roles().update(new RoleBuilder(role.get()).withRules(rules).build());
        }
        Optional<RoleBinding> binding = cluster.roleBindings().get(namespace, name);
        RoleBinding wanted = new RoleBindingBuilder().withMetadata(meta)
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", name).withSubjects(subject).build();
        if (binding.isEmpty()) {
            cluster.roleBindings().create(wanted);
        } else if (!"Role".equals(binding.get().getRoleRef().getKind()) || binding.get().getSubjects() == null
                || binding.get().getSubjects().size() != 1
                || !TillerPlans.encodeSubject(binding.get().getSubjects().get(0)).equals(TillerPlans.encodeSubject(subject))) {
            // A binding's role cannot change in place: replace the binding.
            cluster.roleBindings().delete(namespace, name);
            cluster.roleBindings().create(wanted);
        }
    }

    /**
     * The Tiller's service accounts leave the RoleBindings the plan listed (the team's namespaces outside the new
     * scope); a binding left without subjects is deleted. Bindings that changed since the preview are judged
     * again: only the Tiller's own accounts are ever taken out.
     */
    String outsideBindings() {
        List<String> accounts = tillerAccounts();
        List<String> done = new ArrayList<>();
        for (String listed : parameters.list(Key.ROLE_BINDINGS)) {
            int slash = listed.indexOf('/');
            if (slash <= 0) {
                continue;
            }
            String namespace = listed.substring(0, slash);
            Optional<RoleBinding> binding = cluster.roleBindings().get(namespace, listed.substring(slash + 1));
            done.add(binding.isEmpty() ? listed + " already gone"
                    : withoutSubjects(binding.get(), s -> isTillerAccount(s, namespace, accounts))
                            .orElse(listed + " no longer names it"));
        }
        return done.isEmpty() ? "no RoleBinding outside the new scope in the team's namespaces" : String.join("; ", done);
    }

    private List<String> tillerAccounts() {
        String account = parameters.required(Key.SERVICE_ACCOUNT);
        return List.of(account, parameters.text(Key.PREVIOUS_SERVICE_ACCOUNT).orElse(account));
    }

    /** A subject is one of the Tiller's accounts; a ServiceAccount without a namespace is in the binding's. */
    private boolean isTillerAccount(Subject subject, String bindingNamespace, List<String> accounts) {
        String namespace = subject.getNamespace() == null || subject.getNamespace().isEmpty() ? bindingNamespace
                : subject.getNamespace();
        return "ServiceAccount".equals(subject.getKind()) && run.namespace().equals(namespace)
                && accounts.contains(subject.getName());
    }

    /** The Tiller's service accounts (the one it had and the one it gets) lose every cluster-wide binding. */
    String clusterBindings() {
        List<String> accounts = tillerAccounts();
        List<String> done = new ArrayList<>();
        for (ClusterRoleBinding binding : cluster.clusterRoleBindings().list(null, Map.of())) {
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
    String removeDrivers() {
        List<String> unwanted = parameters.list(Key.SUBJECTS);
        Predicate<Subject> outsider = s -> unwanted.contains(TillerPlans.encodeSubject(withDefaultNamespace(s)));
        List<String> done = new ArrayList<>();
        for (RoleBinding binding : cluster.roleBindings().list(run.namespace(), Map.of())) {
            if (Objects.requireNonNullElse(binding.getSubjects(), List.<Subject>of()).stream().anyMatch(outsider)
                    && letsDrive(binding.getRoleRef().getKind(), binding.getRoleRef().getName())) {
                withoutSubjects(binding, outsider).ifPresent(done::add);
            }
        }
        for (String id : parameters.list(Key.CLUSTER_BINDINGS)) {
            if (!id.contains("|")) {
                continue;
            }
            String name = id.substring(0, id.indexOf('|'));
            String subject = id.substring(id.indexOf('|') + 1);
            done.add(cluster.clusterRoleBindings().get(null, name)
                    .flatMap(b -> withoutSubjects(b, s -> subject.equals(TillerPlans.encodeSubject(s))))
                    .orElse("ClusterRoleBinding " + name + " no longer names " + subject.replace('|', ' ').strip()));
        }
        return done.isEmpty() ? "no binding to change" : String.join("; ", done);
    }

    private Optional<String> withoutSubjects(RoleBinding binding, Predicate<Subject> unwanted) {
        return cluster.roleBindings().withoutSubjects(binding, RoleBinding::getSubjects, RoleBinding::setSubjects, unwanted);
    }

    private Optional<String> withoutSubjects(ClusterRoleBinding binding, Predicate<Subject> unwanted) {
        return cluster.clusterRoleBindings().withoutSubjects(binding, ClusterRoleBinding::getSubjects,
                ClusterRoleBinding::setSubjects, unwanted);
    }

    /** A ServiceAccount subject written without a namespace means the binding's own. */
    private Subject withDefaultNamespace(Subject subject) {
        if ("ServiceAccount".equals(subject.getKind()) && (subject.getNamespace() == null || subject.getNamespace().isEmpty())) {
            return new SubjectBuilder(subject).withNamespace(run.namespace()).build();
        }
        return subject;
    }

    /** Whether the role grants create on pods or pods/portforward in the core group. */
    private boolean letsDrive(String kind, String name) {
        List<PolicyRule> rules = "ClusterRole".equals(kind)
                ? cluster.clusterRoles().get(null, name).map(r -> r.getRules()).orElse(List.of())
                : cluster.roles().get(run.namespace(), name).map(r -> r.getRules()).orElse(List.of());
        return Objects.requireNonNullElse(rules, List.<PolicyRule>of()).stream().anyMatch(rule ->
                matches(rule.getApiGroups(), "") && matches(rule.getVerbs(), "create")
                        && (matches(rule.getResources(), "pods") || matches(rule.getResources(), "pods/portforward")));
    }

    private static boolean matches(List<String> values, String wanted) {
        return values != null && (values.contains(wanted) || values.contains("*"));
    }

    String switchAccount() {
        String account = parameters.required(Key.SERVICE_ACCOUNT);
        var edit = cluster.deployments().edit(run.namespace(), run.tillerName(), deployment -> {
            var spec = deployment.getSpec().getTemplate().getSpec();
            spec.setServiceAccountName(account);
            if (spec.getServiceAccount() != null) {
                spec.setServiceAccount(account);
            }
        });
        return (edit == KubeObjects.Edit.UNCHANGED ? "already so: " : "") + "runs as ServiceAccount " + account;
    }

    private Subject tillerSubject(String serviceAccount) {
        return new SubjectBuilder().withKind("ServiceAccount").withName(serviceAccount).withNamespace(run.namespace())
                .build();
    }
}
