package io.helmwarden.remediation;

import java.util.List;
import java.util.Map;

/**
 * The plan to remove what provisioning created for a team's Tiller. It refuses while release records
 * exist, unless the admin chooses to keep them: then the Tiller's namespace and its records stay, everything
 * else goes. The namespaces the Tiller deployed to are never deleted: they hold the team's workloads.
 */
public record DecommissionPlan(String tillerId, String team, int records, boolean keepRecords, List<PlanStep> steps,
        Map<String, String> parameters) {

    public static final String REMEDIATION = "decommission-tiller";
    public static final List<String> STEP_NAMES = List.of("check-releases", "deployment", "network-policy",
            "team-access", "roles", "certificate", "service-account", "namespace");

    public static DecommissionPlan of(String cluster, String team, String tillerNamespace, List<String> namespaces,
            int records, boolean keepRecords) {
        String keep = keepRecords ? "kept, with its " + records + " release records" : "deleted";
        List<PlanStep> steps = List.of(
                new PlanStep("check-releases", "No release left behind", records + " release records",
                        keepRecords ? "records kept for a later Tiller or helm-2to3" : "stops unless there are none"),
                new PlanStep("deployment", "Stop Tiller", "Deployment tiller-deploy", "deleted"),
                new PlanStep("network-policy", "Its NetworkPolicy", HardeningPlan.NETWORK_POLICY, "deleted"),
                new PlanStep("team-access", "The team's access", ProvisioningPlan.TEAM_ACCESS_ROLE, "deleted"),
                new PlanStep("roles", "Its rights", HardeningPlan.WORKLOAD_ROLE + " in " + namespaces + ", "
                        + HardeningPlan.STORAGE_ROLE + " in " + tillerNamespace, "deleted; the namespaces stay"),
                new PlanStep("certificate", "Its TLS Secret", "tiller-secret", "deleted"),
                new PlanStep("service-account", "Its service account", HardeningPlan.SERVICE_ACCOUNT, "deleted"),
                new PlanStep("namespace", "Its namespace", tillerNamespace, keep));
        return new DecommissionPlan(cluster + "/" + tillerNamespace + "/tiller-deploy", team, records, keepRecords, steps,
                Map.of("namespaces", String.join(",", namespaces), "keepRecords", String.valueOf(keepRecords),
                        "serviceAccount", HardeningPlan.SERVICE_ACCOUNT));
    }
}
