package io.helmwarden.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Subject;

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

    public boolean clusterWide() {
        return namespace == null;
    }
}
