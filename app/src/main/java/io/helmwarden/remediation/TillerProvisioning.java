package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.provisioning.HelmInit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The steps of {@link ProvisioningPlan}: the Tiller's own objects are created here; service account, roles,
 * certificate and NetworkPolicy are the same steps the remediations use. Each step finds its work done when
 * run again; an object of the same name that Helm Warden did not create stops the run.
 */
final class TillerProvisioning implements RemediationSteps {

    static final String MANAGED_LABEL = "app.kubernetes.io/managed-by";
    static final String TEAM_LABEL = "helm-warden.io/team";

    private final KubernetesClient client;
    private final RemediationRun run;
    private final TillerHardening shared;
    private final Map<String, String> parameters;

    TillerProvisioning(KubernetesClient client, RemediationRun run, TillerHardening shared) {
        this.client = client;
        this.run = run;
        this.shared = shared;
        this.parameters = run.parameters();
    }

    @Override
    public String execute(String step) {
        return switch (step) {
            case "namespaces" -> namespaces();
            case "team-access" -> teamAccess();
            case "deployment" -> deployment();
            default -> shared.execute(step);
        };
    }

    private String namespaces() {
        List<String> created = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        wanted.add(run.namespace());
        wanted.addAll(List.of(parameters.get("namespaces").split(",")));
        for (String name : wanted) {
            if (client.namespaces().withName(name).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                        .addToLabels(MANAGED_LABEL, "helm-warden").addToLabels(TEAM_LABEL, parameters.get("team"))
                        .endMetadata().build()).create();
                created.add(name);
            }
        }
        return created.isEmpty() ? "all namespaces exist" : "created " + created;
    }

    private String teamAccess() {
        var roles = client.rbac().roles().inNamespace(run.namespace());
        if (roles.withName(ProvisioningPlan.TEAM_ACCESS_ROLE).get() == null) {
            roles.resource(new RoleBuilder().withNewMetadata().withName(ProvisioningPlan.TEAM_ACCESS_ROLE)
                    .addToLabels(MANAGED_LABEL, "helm-warden").endMetadata()
                    .addNewRule().withApiGroups("").withResources("pods").withVerbs("list").endRule()
                    .addNewRule().withApiGroups("").withResources("pods/portforward").withVerbs("create").endRule()
                    .build()).create();
        }
        var bindings = client.rbac().roleBindings().inNamespace(run.namespace());
        if (bindings.withName(ProvisioningPlan.TEAM_ACCESS_ROLE).get() == null) {
            var binding = new RoleBindingBuilder().withNewMetadata().withName(ProvisioningPlan.TEAM_ACCESS_ROLE)
                    .addToLabels(MANAGED_LABEL, "helm-warden").endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "Role", ProvisioningPlan.TEAM_ACCESS_ROLE);
            for (String group : parameters.get("groups").split(",")) {
                binding.addNewSubject().withKind("Group").withName(group).withApiGroup("rbac.authorization.k8s.io")
                        .endSubject();
            }
            bindings.resource(binding.build()).create();
        }
        return "groups " + parameters.get("groups") + " may list pods and port-forward in " + run.namespace();
    }

    private String deployment() {
        var existing = client.apps().deployments().inNamespace(run.namespace()).withName(HelmInit.DEPLOYMENT_NAME).get();
        if (existing != null) {
            var labels = existing.getMetadata().getLabels();
            if (labels == null || !"helm-warden".equals(labels.get(MANAGED_LABEL))) {
                throw new StepFailed("a Deployment " + run.namespace() + "/" + HelmInit.DEPLOYMENT_NAME
                        + " exists that Helm Warden did not create: not touched");
            }
            return "Deployment already created";
        }
        var deployment = new HelmInit(run.namespace()).image(parameters.get("image"))
                .serviceAccount(parameters.get("serviceAccount")).automountServiceAccountToken(true)
                .historyMax(Integer.parseInt(parameters.get("historyMax")))
                .args("--storage=secret", "--listen=" + HardeningPlan.LOOPBACK_LISTEN)
                .tlsVerifyWithExistingSecret().serviceType(null).deployment();
        deployment.getMetadata().getLabels().put(MANAGED_LABEL, "helm-warden");
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        container.setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("50m")).addToRequests("memory", new Quantity("64Mi"))
                .addToLimits("memory", new Quantity("256Mi")).build());
        container.setSecurityContext(new io.fabric8.kubernetes.api.model.SecurityContextBuilder()
                .withRunAsNonRoot(true).withRunAsUser(65534L).withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true).withNewCapabilities().withDrop("ALL").endCapabilities().build());
        client.apps().deployments().inNamespace(run.namespace()).resource(deployment).create();
        return "Deployment tiller-deploy created: " + parameters.get("image") + ", Secret storage, loopback only,"
                + " history " + parameters.get("historyMax") + ", TLS with client verification, non-root";
    }
}
