package io.helmwarden.remediation;

import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.TillerId;
import io.helmwarden.remediation.RunParameters.Key;
import java.util.List;

/**
 * The plan to remove what provisioning created for a team's Tiller. It refuses while release records
 * exist, unless the admin chooses to keep them: then the Tiller's namespace and its records stay, everything
 * else goes. The namespaces the Tiller deployed to are never deleted: they hold the team's workloads.
 */
public record DecommissionPlan(TillerId tillerId, String team, int records, boolean keepRecords, List<PlanStep> steps,
        RunParameters parameters) {

    public static DecommissionPlan of(String cluster, String team, String tillerNamespace, List<String> namespaces,
            int records, boolean keepRecords) {
        // As the run decides it: records kept only if there are some; a namespace that existed before stays.
        String keep = keepRecords && records > 0 ? "kept, with its " + records + " release records"
                : "deleted if Helm Warden created it (a namespace that existed before is kept)";
        List<PlanStep> steps = List.of(
                new PlanStep("check-releases", "No release left behind", records + " release records",
                        keepRecords ? "records kept for a later Tiller or helm-2to3" : "stops unless there are none"),
                new PlanStep("deployment", "Stop Tiller", "Deployment tiller-deploy", "deleted"),
                new PlanStep("network-policy", "Its NetworkPolicy", TillerPlans.NETWORK_POLICY, "deleted"),
                new PlanStep("team-access", "The team's access", ProvisioningPlan.TEAM_ACCESS_ROLE, "deleted"),
                new PlanStep("roles", "Its rights", TillerPlans.WORKLOAD_ROLE + " in " + namespaces + ", "
                        + TillerPlans.STORAGE_ROLE + " in " + tillerNamespace, "deleted; the namespaces stay"),
                new PlanStep("certificate", "Its TLS Secret", "tiller-secret", "deleted"),
                new PlanStep("service-account", "Its service account", TillerPlans.SERVICE_ACCOUNT, "deleted"),
                new PlanStep("namespace", "Its namespace", tillerNamespace, keep));
        return new DecommissionPlan(new TillerId(cluster, tillerNamespace, HelmInit.DEPLOYMENT_NAME), team, records,
                keepRecords, steps, RunParameters.none().with(Key.NAMESPACES, namespaces).with(Key.KEEP_RECORDS, keepRecords)
                        .with(Key.SERVICE_ACCOUNT, TillerPlans.SERVICE_ACCOUNT));
    }
}
