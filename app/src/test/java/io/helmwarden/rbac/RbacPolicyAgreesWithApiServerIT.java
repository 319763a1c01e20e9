package io.helmwarden.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.demo.DemoFleet;
import io.helmwarden.support.kube.KubeApiServer;
import io.helmwarden.support.kube.KubeApiServerExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Our RBAC evaluation against the real authorizer: for the demo fleet's identities and the questions the
 * checks ask, {@link RbacPolicy} and a SubjectAccessReview must give the same answer, every time.
 */
@ExtendWith(KubeApiServerExtension.class)
class RbacPolicyAgreesWithApiServerIT {

    @Test
    void everySampledAnswerAgreesWithSubjectAccessReview(KubeApiServer server) {
        KubernetesClient admin = server.adminClient();
        DemoFleet.clusters(Instant.now()).forEach(cluster -> DemoFleet.createIn(admin, cluster.objects()));
        var policy = new RbacPolicy(admin.rbac().clusterRoles().list().getItems(),
                admin.rbac().roles().inAnyNamespace().list().getItems(),
                admin.rbac().clusterRoleBindings().list().getItems(),
                admin.rbac().roleBindings().inAnyNamespace().list().getItems());

        List<Identity> identities = List.of(
                Identity.serviceAccount("kube-system", "tiller"),
                Identity.serviceAccount("payments-tiller", "tiller"),
                Identity.serviceAccount("search-tiller", "default"),
                Identity.serviceAccount("data-tiller", "tiller"),
                Identity.serviceAccount("ci-tiller", "tiller"),
                new Identity("priya", Set.of("team-payments", "system:authenticated")),
                new Identity("mallory", Set.of("system:authenticated")));
        List<AccessRequest> requests = new ArrayList<>();
        for (String namespace : List.of("kube-system", "payments-tiller", "payments-prod", "search", "analytics", "ci")) {
            requests.add(AccessRequest.of("create", "apps", "deployments", namespace));
            requests.add(AccessRequest.of("list", "", "secrets", namespace));
            requests.add(AccessRequest.of("create", "", "pods/portforward", namespace));
            requests.add(AccessRequest.of("list", "", "pods", namespace));
            requests.add(AccessRequest.of("update", "", "configmaps", namespace));
        }
        requests.add(AccessRequest.of("list", "", "secrets", null));
        requests.add(AccessRequest.of("create", "rbac.authorization.k8s.io", "clusterrolebindings", null));
        requests.add(AccessRequest.of("impersonate", "", "users", null));

        int compared = 0;
        for (Identity identity : identities) {
            for (AccessRequest request : requests) {
                boolean ours = policy.allows(identity, request);
                boolean apiServer = review(admin, identity, request);
                assertThat(ours).as(identity.user() + " " + request).isEqualTo(apiServer);
                compared++;
            }
        }
        assertThat(compared).isEqualTo(identities.size() * requests.size());
    }

    private static boolean review(KubernetesClient admin, Identity identity, AccessRequest request) {
        var review = new SubjectAccessReviewBuilder()
                .withNewSpec().withUser(identity.user()).withGroups(List.copyOf(identity.groups()))
                .withNewResourceAttributes().withVerb(request.verb()).withGroup(request.apiGroup())
                .withResource(request.resource()).withSubresource(request.subresource())
                .withNamespace(request.namespace()).withName(request.name()).endResourceAttributes()
                .endSpec().build();
        return admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
    }
}
