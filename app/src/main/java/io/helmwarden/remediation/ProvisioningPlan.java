package io.helmwarden.remediation;

import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.TillerId;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.remediation.RunParameters.Key;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan to create a hardened Tiller for a team, computed from the approved request alone: namespaces,
 * its own service account with Roles in the target namespaces only (and its storage in its own), the team's
 * right to port-forward to it and nothing more there, TLS with client verification, a Deployment that stores
 * releases in Secrets, listens on loopback, keeps a limited history, runs as non-root with resource
 * requests and has no Service, and a NetworkPolicy denying ingress. Previewed to the approving admin.
 */
public record ProvisioningPlan(TillerId tillerId, String team, List<PlanStep> steps, RunParameters parameters) {

    static final String TEAM_ACCESS_ROLE = "helm-warden-team-access";

    /**
     * @param groups the team's groups (members and leads), who may reach the Tiller by port-forwarding
     */
    public static ProvisioningPlan of(String cluster, String team, String tillerNamespace, List<String> namespaces,
            List<String> groups, int historyMax, String image) {
        RunParameters parameters = RunParameters.none().with(Key.TEAM, team).with(Key.NAMESPACES, namespaces)
                .with(Key.GROUPS, groups).with(Key.PROVISIONED_HISTORY_MAX, historyMax).with(Key.IMAGE, image)
                .with(Key.SERVICE_ACCOUNT, TillerPlans.SERVICE_ACCOUNT).with(Key.STORAGE_RESOURCE, ReleaseStorage.SECRET.resource())
                .with(Key.SECRET, "tiller-secret").with(Key.MODE, "full");
        List<PlanStep> steps = new ArrayList<>();
        steps.add(new PlanStep("namespaces", "Namespaces", "—",
                tillerNamespace + " (Tiller) and " + namespaces + ", created where missing, labelled for team " + team));
        steps.add(new PlanStep("service-account", "Its own service account", "—",
                "ServiceAccount " + TillerPlans.SERVICE_ACCOUNT + " in " + tillerNamespace));
        steps.add(new PlanStep("roles", "Rights in the target namespaces only", "—",
                "Role + RoleBinding " + TillerPlans.WORKLOAD_ROLE + " in " + namespaces + "\nRole + RoleBinding "
                        + TillerPlans.STORAGE_ROLE + " (secrets) in " + tillerNamespace + "\nno cluster-wide binding"));
        steps.add(new PlanStep("team-access", "The team may reach it, nothing more", "—",
                "Role + RoleBinding " + TEAM_ACCESS_ROLE + " in " + tillerNamespace + ": list pods, create pods/portforward"
                        + " for groups " + groups));
        steps.add(new PlanStep("certificate", "TLS server certificate", "—",
                "Secret tiller-secret: tls.crt (SANs 127.0.0.1, localhost, tiller-deploy[." + tillerNamespace
                        + "[.svc]]), tls.key, ca.crt (Helm Warden's CA for this Tiller)"));
        steps.add(new PlanStep("deployment", "The Tiller Deployment", "—",
                "Deployment tiller-deploy: image " + image + "\nargs --storage=secret --listen=127.0.0.1:44134"
                        + "\nTILLER_HISTORY_MAX=" + historyMax + ", TLS with client verification\nresource requests,"
                        + " non-root, no privilege escalation, no Service"));
        steps.add(new PlanStep("network-policy", "Deny network ingress", "—",
                "NetworkPolicy " + TillerPlans.NETWORK_POLICY + " selecting the Tiller pods, no ingress rule"));
        return new ProvisioningPlan(new TillerId(cluster, tillerNamespace, HelmInit.DEPLOYMENT_NAME), team,
                List.copyOf(steps), parameters);
    }
}
