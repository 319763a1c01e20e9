package io.helmwarden.remediation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan to create a hardened Tiller for a team, computed from the approved request alone: namespaces,
 * its own service account with Roles in the target namespaces only (and its storage in its own), the team's
 * right to port-forward to it and nothing more there, TLS with client verification, a Deployment that stores
 * releases in Secrets, listens on loopback, keeps a limited history, runs as non-root with resource
 * requests and has no Service, and a NetworkPolicy denying ingress. Previewed to the approving admin.
 */
public record ProvisioningPlan(String tillerId, String team, List<PlanStep> steps, Map<String, String> parameters) {

    public static final String REMEDIATION = "provision-tiller";
    public static final List<String> STEP_NAMES = List.of("namespaces", "service-account", "roles", "team-access",
            "certificate", "deployment", "network-policy");
    static final String TEAM_ACCESS_ROLE = "helm-warden-team-access";

    /**
     * @param groups the team's groups (members and leads), who may reach the Tiller by port-forwarding
     */
    public static ProvisioningPlan of(String cluster, String team, String tillerNamespace, List<String> namespaces,
            List<String> groups, int historyMax, String image) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("team", team);
        parameters.put("namespaces", String.join(",", namespaces));
        parameters.put("groups", String.join(",", groups));
        parameters.put("historyMax", String.valueOf(historyMax));
        parameters.put("image", image);
        parameters.put("serviceAccount", HardeningPlan.SERVICE_ACCOUNT);
        parameters.put("storage", "secrets");
        parameters.put("secret", "tiller-secret");
        parameters.put("mode", "full");
        List<PlanStep> steps = new ArrayList<>();
        steps.add(new PlanStep("namespaces", "Namespaces", "—",
                tillerNamespace + " (Tiller) and " + namespaces + ", created where missing, labelled for team " + team));
        steps.add(new PlanStep("service-account", "Its own service account", "—",
                "ServiceAccount " + HardeningPlan.SERVICE_ACCOUNT + " in " + tillerNamespace));
        steps.add(new PlanStep("roles", "Rights in the target namespaces only", "—",
                "Role + RoleBinding " + HardeningPlan.WORKLOAD_ROLE + " in " + namespaces + "\nRole + RoleBinding "
                        + HardeningPlan.STORAGE_ROLE + " (secrets) in " + tillerNamespace + "\nno cluster-wide binding"));
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
                "NetworkPolicy " + HardeningPlan.NETWORK_POLICY + " selecting the Tiller pods, no ingress rule"));
        return new ProvisioningPlan(cluster + "/" + tillerNamespace + "/tiller-deploy", team, List.copyOf(steps),
                Map.copyOf(parameters));
    }
}
