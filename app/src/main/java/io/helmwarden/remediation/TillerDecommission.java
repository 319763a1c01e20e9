package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.cluster.KubeObjects;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.remediation.RunParameters.Key;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of {@link RemediationKind#DECOMMISSION_TILLER}. Only objects labelled as Helm Warden's are deleted;
 * deleting what is already gone is done, so a resumed run goes on where it stopped.
 */
final class TillerDecommission {

    private final ClusterObjects cluster;
    private final RemediationRun run;
    private final RunParameters parameters;
    private final String namespace;

    TillerDecommission(StepContext context) {
        this.cluster = context.cluster();
        this.run = context.run();
        this.parameters = run.parameters();
        this.namespace = run.namespace();
    }

    String checkReleases() {
        int records = records();
        if (records > 0 && !parameters.flag(Key.KEEP_RECORDS)) {
            throw new StepFailed(records + " release records remain in " + namespace + ": delete the releases"
                    + " with helm first, or decommission again keeping their records");
        }
        return records + " release records" + (records > 0 ? ", kept" : "");
    }

    String deployment() {
        return delete(cluster.deployments(), namespace, HelmInit.DEPLOYMENT_NAME);
    }

    String networkPolicy() {
        return delete(cluster.networkPolicies(), namespace, TillerPlans.NETWORK_POLICY);
    }

    String teamAccess() {
        return delete(cluster.roleBindings(), namespace, ProvisioningPlan.TEAM_ACCESS_ROLE) + "; "
                + delete(cluster.roles(), namespace, ProvisioningPlan.TEAM_ACCESS_ROLE);
    }

    String roles() {
        List<String> done = new ArrayList<>();
        for (String target : parameters.list(Key.NAMESPACES)) {
            done.add(delete(cluster.roleBindings(), target, TillerPlans.WORKLOAD_ROLE));
            done.add(delete(cluster.roles(), target, TillerPlans.WORKLOAD_ROLE));
        }
        done.add(delete(cluster.roleBindings(), namespace, TillerPlans.STORAGE_ROLE));
        done.add(delete(cluster.roles(), namespace, TillerPlans.STORAGE_ROLE));
        return String.join("; ", done);
    }

    String certificate() {
        return delete(cluster.secrets(), namespace, "tiller-secret");
    }

    String serviceAccount() {
        return delete(cluster.serviceAccounts(), namespace, parameters.required(Key.SERVICE_ACCOUNT));
    }

    String namespace() {
        if (parameters.flag(Key.KEEP_RECORDS) && records() > 0) {
            return "namespace " + namespace + " kept with its release records";
        }
        var existing = cluster.namespaces().get(null, namespace);
        if (existing.isPresent() && !managed(existing.get())) {
            return "namespace " + namespace + " kept: it existed before Helm Warden provisioned the Tiller";
        }
        return delete(cluster.namespaces(), null, namespace);
    }

    private int records() {
        return cluster.secrets().list(namespace, StorageMigration.RECORD_LABELS).size()
                + cluster.configMaps().list(namespace, StorageMigration.RECORD_LABELS).size();
    }

    /** Deletes an object Helm Warden created; one it did not create stops the run untouched. */
    private <T extends HasMetadata> String delete(KubeObjects<T> objects, String in, String name) {
        var object = objects.get(in, name);
        if (object.isEmpty()) {
            return "already gone";
        }
        String what = object.get().getKind() + " " + name;
        if (!managed(object.get())) {
            throw new StepFailed(what + " was not created by Helm Warden: not deleted");
        }
        objects.delete(in, name);
        return what + " deleted";
    }

    private static boolean managed(HasMetadata object) {
        var labels = object.getMetadata().getLabels();
        return labels != null && "helm-warden".equals(labels.get(TillerProvisioning.MANAGED_LABEL));
    }
}
