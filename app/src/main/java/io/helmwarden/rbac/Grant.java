package io.helmwarden.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;

/**
 * A rule that reaches a subject through a binding: the evidence behind an RBAC answer.
 *
 * @param namespace where the rule applies; null for a ClusterRoleBinding (everywhere)
 */
public record Grant(String bindingKind, String bindingName, String namespace, String roleKind, String roleName,
        Subject subject, PolicyRule rule) {

    /** "ClusterRoleBinding tiller → ClusterRole cluster-admin". */
    public String describeBinding() {
        return bindingKind + " " + (namespace == null ? "" : namespace + "/") + bindingName + " → " + roleKind + " "
                + roleName;
    }

    /** "create, delete on apps/deployments, pods (in payments)" for people. */
    public String describeRule() {
        String groups = rule.getApiGroups() == null ? "" : String.join(",", rule.getApiGroups().stream()
                .map(group -> group.isEmpty() ? "core" : group).toList());
        String resources = rule.getResources() == null || rule.getResources().isEmpty()
                ? "URLs " + String.join(", ", rule.getNonResourceURLs() == null ? List.of() : rule.getNonResourceURLs())
                : String.join(", ", rule.getResources());
        String names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty() ? ""
                : " named " + String.join(", ", rule.getResourceNames());
        return String.join(", ", rule.getVerbs() == null ? List.of() : rule.getVerbs()) + " on " + groups + "/"
                + resources + names + (namespace == null ? " (every namespace)" : " (in " + namespace + ")");
    }

    public boolean clusterWide() {
        return namespace == null;
    }
}
