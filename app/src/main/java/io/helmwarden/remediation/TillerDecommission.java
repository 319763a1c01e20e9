package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.helmwarden.provisioning.HelmInit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The steps of {@link DecommissionPlan}. Only objects labelled as Helm Warden's are deleted; deleting what
 * is already gone is done, so a resumed run goes on where it stopped.
 */
final class TillerDecommission implements RemediationSteps {

    private static final Map<String, String> RECORD_LABELS = Map.of("OWNER", "TILLER");

    private final KubernetesClient client;
    private final RemediationRun run;
    private final Map<String, String> parameters;

    TillerDecommission(KubernetesClient client, RemediationRun run) {
        this.client = client;
        this.run = run;
        this.parameters = run.parameters();
    }

    @Override
    public String execute(String step) {
        String ns = run.namespace();
        return switch (step) {
            case "check-releases" -> checkReleases();
            case "deployment" -> delete(client.apps().deployments().inNamespace(ns).withName(HelmInit.DEPLOYMENT_NAME));
            case "network-policy" -> delete(client.network().v1().networkPolicies().inNamespace(ns)
                    .withName(HardeningPlan.NETWORK_POLICY));
            case "team-access" -> delete(client.rbac().roleBindings().inNamespace(ns).withName(ProvisioningPlan.TEAM_ACCESS_ROLE))
                    + "; " + delete(client.rbac().roles().inNamespace(ns).withName(ProvisioningPlan.TEAM_ACCESS_ROLE));
            case "roles" -> roles();
            case "certificate" -> delete(client.secrets().inNamespace(ns).withName("tiller-secret"));
            case "service-account" -> delete(client.serviceAccounts().inNamespace(ns).withName(parameters.get("serviceAccount")));
            case "namespace" -> namespace();
            default -> throw new IllegalStateException("unknown step " + step);
        };
    }

    private String checkReleases() {
        int records = records();
        if (records > 0 && !Boolean.parseBoolean(parameters.get("keepRecords"))) {
            throw new StepFailed(records + " release records remain in " + run.namespace() + ": delete the releases"
                    + " with helm first, or decommission again keeping their records");
        }
        return records + " release records" + (records > 0 ? ", kept" : "");
    }

    private String roles() {
        List<String> done = new ArrayList<>();
        for (String namespace : parameters.get("namespaces").split(",")) {
            done.add(delete(client.rbac().roleBindings().inNamespace(namespace).withName(HardeningPlan.WORKLOAD_ROLE)));
            done.add(delete(client.rbac().roles().inNamespace(namespace).withName(HardeningPlan.WORKLOAD_ROLE)));
        }
        done.add(delete(client.rbac().roleBindings().inNamespace(run.namespace()).withName(HardeningPlan.STORAGE_ROLE)));
        done.add(delete(client.rbac().roles().inNamespace(run.namespace()).withName(HardeningPlan.STORAGE_ROLE)));
        return String.join("; ", done);
    }

    private String namespace() {
        if (Boolean.parseBoolean(parameters.get("keepRecords")) && records() > 0) {
            return "namespace " + run.namespace() + " kept with its release records";
        }
        var namespace = client.namespaces().withName(run.namespace()).get();
        if (namespace != null && (namespace.getMetadata().getLabels() == null || !"helm-warden".equals(
                namespace.getMetadata().getLabels().get(TillerProvisioning.MANAGED_LABEL)))) {
            return "namespace " + run.namespace() + " kept: it existed before Helm Warden provisioned the Tiller";
        }
        return delete(client.namespaces().withName(run.namespace()));
    }

    private int records() {
        return client.secrets().inNamespace(run.namespace()).withLabels(RECORD_LABELS).list().getItems().size()
                + client.configMaps().inNamespace(run.namespace()).withLabels(RECORD_LABELS).list().getItems().size();
    }

    /** Deletes an object Helm Warden created; one it did not create stops the run untouched. */
    private String delete(Resource<? extends HasMetadata> resource) {
        HasMetadata object = resource.get();
        if (object == null) {
            return "already gone";
        }
        String what = object.getKind() + " " + object.getMetadata().getName();
        var labels = object.getMetadata().getLabels();
        if (labels == null || !"helm-warden".equals(labels.get(TillerProvisioning.MANAGED_LABEL))) {
            throw new StepFailed(what + " was not created by Helm Warden: not deleted");
        }
        resource.delete();
        return what + " deleted";
    }
}
