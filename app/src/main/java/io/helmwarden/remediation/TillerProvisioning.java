package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.remediation.RunParameters.Key;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of {@link RemediationKind#PROVISION_TILLER}: the Tiller's own objects are created here; service
 * account, roles, certificate and NetworkPolicy are the same steps the remediations use ({@link #hardening()}, {@link #rights()}).
 * Each step finds its work done when run again; an object of the same name that Helm Warden did not create
 * stops the run.
 */
final class TillerProvisioning {

    static final String MANAGED_LABEL = TillerHardening.MANAGED_LABEL;
    static final String TEAM_LABEL = "helm-warden.io/team";

    private final ClusterObjects cluster;
    private final RemediationRun run;
    private final TillerHardening hardening;
    private final TillerRights rights;
    private final RunParameters parameters;

    TillerProvisioning(StepContext context) {
        this.cluster = context.cluster();
        this.run = context.run();
        this.hardening = new TillerHardening(context);
        this.rights = new TillerRights(context);
        this.parameters = run.parameters();
    }

    TillerHardening hardening() {
        return hardening;
    }

    TillerRights rights() {
        return rights;
    }

    String namespaces() {
        List<String> created = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        wanted.add(run.namespace());
        wanted.addAll(parameters.list(Key.NAMESPACES));
        for (String name : wanted) {
            if (cluster.namespaces().get(null, name).isEmpty()) {
                cluster.namespaces().create(new NamespaceBuilder().withNewMetadata().withName(name)
                        .addToLabels(MANAGED_LABEL, "helm-warden").addToLabels(TEAM_LABEL, parameters.required(Key.TEAM))
                        .endMetadata().build());
                created.add(name);
            }
        }
        return created.isEmpty() ? "all namespaces exist" : "created " + created;
    }

    String teamAccess() {
        String name = ProvisioningPlan.TEAM_ACCESS_ROLE;
        if (cluster.roles().get(run.namespace(), name).isEmpty()) {
            cluster.roles().create(new RoleBuilder().withNewMetadata().withName(name).withNamespace(run.namespace())
                    .addToLabels(MANAGED_LABEL, "helm-warden").endMetadata()
                    .addNewRule().withApiGroups("").withResources("pods").withVerbs("list").endRule()
                    .addNewRule().withApiGroups("").withResources("pods/portforward").withVerbs("create").endRule()
                    .build());
        }
        if (cluster.roleBindings().get(run.namespace(), name).isEmpty()) {
            var binding = new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace(run.namespace())
                    .addToLabels(MANAGED_LABEL, "helm-warden").endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "Role", name);
            for (String group : parameters.list(Key.GROUPS)) {
                binding.addNewSubject().withKind("Group").withName(group).withApiGroup("rbac.authorization.k8s.io")
                        .endSubject();
            }
            cluster.roleBindings().create(binding.build());
        }
        return "groups " + String.join(",", parameters.list(Key.GROUPS)) + " may list pods and port-forward in "
                + run.namespace();
    }

    String deployment() {
        var existing = cluster.deployments().get(run.namespace(), HelmInit.DEPLOYMENT_NAME);
        if (existing.isPresent()) {
            var labels = existing.get().getMetadata().getLabels();
            if (labels == null || !"helm-warden".equals(labels.get(MANAGED_LABEL))) {
                throw new StepFailed("a Deployment " + run.namespace() + "/" + HelmInit.DEPLOYMENT_NAME
                        + " exists that Helm Warden did not create: not touched");
            }
            return "Deployment already created";
        }
        String image = parameters.required(Key.IMAGE);
        int historyMax = parameters.number(Key.PROVISIONED_HISTORY_MAX);
        var deployment = new HelmInit(run.namespace()).image(image)
                .serviceAccount(parameters.required(Key.SERVICE_ACCOUNT)).automountServiceAccountToken(true)
                .historyMax(historyMax)
                .args("--storage=secret", "--listen=" + TillerPlans.LOOPBACK_LISTEN)
                .tlsVerifyWithExistingSecret().serviceType(null).deployment();
        deployment.getMetadata().getLabels().put(MANAGED_LABEL, "helm-warden");
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        container.setResources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("50m")).addToRequests("memory", new Quantity("64Mi"))
                .addToLimits("memory", new Quantity("256Mi")).build());
        container.setSecurityContext(new SecurityContextBuilder()
                .withRunAsNonRoot(true).withRunAsUser(65534L).withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true).withNewCapabilities().withDrop("ALL").endCapabilities().build());
        cluster.deployments().create(deployment);
        return "Deployment tiller-deploy created: " + image + ", Secret storage, loopback only,"
                + " history " + historyMax + ", TLS with client verification, non-root";
    }
}
