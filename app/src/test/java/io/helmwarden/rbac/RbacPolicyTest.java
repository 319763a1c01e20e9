package io.helmwarden.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RbacPolicyTest {

    static final Identity TILLER = Identity.serviceAccount("team-tiller", "tiller");
    static final Identity ALICE = new Identity("alice", Set.of("team-a", "system:authenticated"));

    static ClusterRole clusterRole(String name, String groups, String resources, String verbs) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata()
                .addToRules(new PolicyRuleBuilder().withApiGroups(groups.split(",")).withResources(resources.split(","))
                        .withVerbs(verbs.split(",")).build())
                .build();
    }

    static Role role(String namespace, String name, String groups, String resources, String verbs, String... names) {
        return new RoleBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .addToRules(new PolicyRuleBuilder().withApiGroups(groups.split(",", -1)).withResources(resources.split(","))
                        .withVerbs(verbs.split(",")).withResourceNames(names).build())
                .build();
    }

    static RoleBinding roleBinding(String namespace, String name, String roleKind, String role, Subject subject) {
        return new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", roleKind, role).withSubjects(subject).build();
    }

    static ClusterRoleBinding clusterRoleBinding(String name, String role, Subject subject) {
        return new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role).withSubjects(subject).build();
    }

    static Subject serviceAccount(String namespace, String name) {
        return new Subject(null, "ServiceAccount", name, namespace);
    }

    static Subject group(String name) {
        return new Subject("rbac.authorization.k8s.io", "Group", name, null);
    }

    @Test
    void clusterAdminBindingAllowsEverythingEverywhere() {
        var policy = new RbacPolicy(List.of(clusterRole("cluster-admin", "*", "*", "*")), List.of(),
                List.of(clusterRoleBinding("tiller", "cluster-admin", serviceAccount("team-tiller", "tiller"))), List.of());
        assertThat(policy.allows(TILLER, AccessRequest.of("delete", "apps", "deployments", "kube-system"))).isTrue();
        assertThat(policy.allows(TILLER, AccessRequest.of("escalate", "rbac.authorization.k8s.io", "clusterroles", null)))
                .isTrue();
        assertThat(policy.scope(TILLER, AccessRequest.of("create", "apps", "deployments", null)).clusterWide()).isTrue();
        assertThat(policy.allows(ALICE, AccessRequest.of("get", "", "pods", "default"))).isFalse();
    }

    @Test
    void roleBindingGrantsOnlyInItsNamespaceAndOnlyWhatTheRuleSays() {
        var policy = new RbacPolicy(List.of(), List.of(role("payments", "manager", ",apps", "*", "*")), List.of(),
                List.of(roleBinding("payments", "manager", "Role", "manager", serviceAccount("team-tiller", "tiller"))));
        assertThat(policy.allows(TILLER, AccessRequest.of("create", "apps", "deployments", "payments"))).isTrue();
        assertThat(policy.allows(TILLER, AccessRequest.of("create", "apps", "deployments", "search"))).isFalse();
        assertThat(policy.allows(TILLER, AccessRequest.of("create", "batch", "jobs", "payments"))).isFalse();
        assertThat(policy.scope(TILLER, AccessRequest.of("create", "apps", "deployments", null)))
                .isEqualTo(Scope.of(Set.of("payments")));
    }

    @Test
    void clusterRoleBoundByARoleBindingAppliesInThatNamespaceOnly() {
        var policy = new RbacPolicy(List.of(clusterRole("edit", ",apps", "*", "*")), List.of(), List.of(),
                List.of(roleBinding("search", "edit", "ClusterRole", "edit", group("team-a"))));
        assertThat(policy.allows(ALICE, AccessRequest.of("create", "", "configmaps", "search"))).isTrue();
        assertThat(policy.allows(ALICE, AccessRequest.of("create", "", "configmaps", "payments"))).isFalse();
        assertThat(policy.subjectsAllowed(AccessRequest.of("create", "", "configmaps", "search"))).containsExactly(
                new Subject(null, "Group", "team-a", null));
    }

    @Test
    void subresourcesMustBeNamedOrWildcarded() {
        var policy = new RbacPolicy(List.of(), List.of(
                role("team-tiller", "pods", "", "pods", "*"),
                role("team-tiller", "forward", "", "pods/portforward", "create"),
                role("team-tiller", "any-status", "", "*/status", "get")), List.of(), List.of(
                roleBinding("team-tiller", "a", "Role", "pods", group("readers")),
                roleBinding("team-tiller", "b", "Role", "forward", group("team-a")),
                roleBinding("team-tiller", "c", "Role", "any-status", group("team-a"))));
        var readers = new Identity("bob", Set.of("readers"));
        assertThat(policy.allows(readers, AccessRequest.of("create", "", "pods", "team-tiller"))).isTrue();
        assertThat(policy.allows(readers, AccessRequest.of("create", "", "pods/portforward", "team-tiller"))).isFalse();
        assertThat(policy.allows(ALICE, AccessRequest.of("create", "", "pods/portforward", "team-tiller"))).isTrue();
        assertThat(policy.allows(ALICE, AccessRequest.of("get", "", "deployments/status", "team-tiller"))).isTrue();
    }

    @Test
    void resourceNamesRestrictToNamedObjects() {
        var policy = new RbacPolicy(List.of(), List.of(role("team-tiller", "one", "", "secrets", "get", "tiller-secret")),
                List.of(), List.of(roleBinding("team-tiller", "one", "Role", "one", group("team-a"))));
        assertThat(policy.allows(ALICE, new AccessRequest("get", "", "secrets", null, "team-tiller", "tiller-secret")))
                .isTrue();
        assertThat(policy.allows(ALICE, new AccessRequest("get", "", "secrets", null, "team-tiller", "other"))).isFalse();
        assertThat(policy.allows(ALICE, AccessRequest.of("list", "", "secrets", "team-tiller"))).isFalse();
    }

    @Test
    void serviceAccountSubjectsWithoutNamespaceMeanTheBindingsNamespaceAndGroupsCoverAllAccounts() {
        var policy = new RbacPolicy(List.of(clusterRole("view", "", "pods", "list")), List.of(), List.of(), List.of(
                roleBinding("team-tiller", "own", "ClusterRole", "view", new Subject(null, "ServiceAccount", "tiller", null)),
                roleBinding("payments", "all-accounts", "ClusterRole", "view", group("system:serviceaccounts:team-tiller"))));
        assertThat(policy.allows(TILLER, AccessRequest.of("list", "", "pods", "team-tiller"))).isTrue();
        assertThat(policy.allows(TILLER, AccessRequest.of("list", "", "pods", "payments"))).isTrue();
        assertThat(policy.allows(Identity.serviceAccount("other", "tiller"), AccessRequest.of("list", "", "pods",
                "team-tiller"))).isFalse();
    }

    @Test
    void bindingsToMissingRolesGrantNothing() {
        var policy = new RbacPolicy(List.of(), List.of(), List.of(clusterRoleBinding("dangling", "gone", group("team-a"))),
                List.of(roleBinding("payments", "dangling", "Role", "gone", group("team-a"))));
        assertThat(policy.grantsOf(ALICE)).isEmpty();
        assertThat(policy.scope(ALICE, AccessRequest.of("get", "", "pods", null)).isEmpty()).isTrue();
    }
}
