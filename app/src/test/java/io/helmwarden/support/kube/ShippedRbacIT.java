package io.helmwarden.support.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shipped {@code config/kubernetes/helm-warden-own-identity.yaml} (with the person manifest's reads), applied
 * on the real API server for a service account of this test's own, grants the remediations' writes and nothing
 * that runs code or reaches beyond them: the API server answers SubjectAccessReviews for it. (The person mode's
 * manifest is proven with the app running under it, in {@code ActingAsThePersonIT}.)
 */
@ExtendWith(KubeApiServerExtension.class)
class ShippedRbacIT {

    static final String ACCOUNT = "system:serviceaccount:helm-warden-own:helm-warden";
    private final List<HasMetadata> applied = new ArrayList<>();

    @Test
    void helmWardensOwnIdentityWritesWhatRemediationsWriteAndRunsNothing(KubeApiServer server) throws IOException {
        KubernetesClient admin = server.adminClient();
        apply(admin, "helm-warden-person.yaml");
        apply(admin, "helm-warden-own-identity.yaml");

        // Every right a remediation's step declares (release records in either kind), from the kinds themselves.
        for (var kind : io.helmwarden.remediation.RemediationKind.values()) {
            for (String records : List.of("configmaps", "secrets")) {
                var parameters = io.helmwarden.remediation.RunParameters.of(java.util.Map.of("namespaces", "apps",
                        "roleBindings", "apps/binding", "storage", records));
                for (var right : kind.rightsNeeded("real/tillers/tiller-deploy", "tillers", parameters)) {
                    assertThat(may(admin, new String[] {right.verb(), right.group(), right.resource()}))
                            .as(kind.id() + " " + right.step() + ": " + right.describe()).isTrue();
                }
            }
        }
        for (String[] allowed : List.of(new String[] {"update", "apps", "deployments"},
                new String[] {"create", "", "secrets"}, new String[] {"update", "", "configmaps"},
                new String[] {"create", "rbac.authorization.k8s.io", "roles"},
                new String[] {"bind", "rbac.authorization.k8s.io", "roles"},
                new String[] {"update", "rbac.authorization.k8s.io", "clusterrolebindings"})) {
            assertThat(may(admin, allowed)).as(String.join(" ", allowed)).isTrue();
        }
        for (String[] denied : List.of(new String[] {"create", "", "pods"}, new String[] {"create", "", "pods/exec"},
                new String[] {"create", "", "pods/portforward"}, new String[] {"create", "apps", "daemonsets"},
                new String[] {"create", "rbac.authorization.k8s.io", "clusterrolebindings"},
                new String[] {"create", "rbac.authorization.k8s.io", "clusterroles"},
                new String[] {"bind", "rbac.authorization.k8s.io", "clusterroles"},
                new String[] {"escalate", "rbac.authorization.k8s.io", "clusterroles"},
                new String[] {"impersonate", "", "serviceaccounts"})) {
            assertThat(may(admin, denied)).as(String.join(" ", denied)).isFalse();
        }
    }

    /** Applies a shipped manifest with its names and subjects moved to this test's own account. */
    private void apply(KubernetesClient admin, String manifest) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("../config/kubernetes", manifest))) {
            for (HasMetadata object : admin.load(in).items()) {
                if (object instanceof io.fabric8.kubernetes.api.model.Namespace namespace) {
                    namespace.getMetadata().setName("helm-warden-own");
                } else if (object.getMetadata().getNamespace() != null) {
                    object.getMetadata().setNamespace("helm-warden-own");
                } else {
                    object.getMetadata().setName(object.getMetadata().getName() + "-own-test");
                }
                if (object instanceof ClusterRoleBinding binding) {
                    binding.getRoleRef().setName(binding.getRoleRef().getName() + "-own-test");
                    binding.getSubjects().forEach(subject -> subject.setNamespace("helm-warden-own"));
                }
                admin.resource(object).createOr(existing -> existing.update());
                applied.add(object);
            }
        }
    }

    private static boolean may(KubernetesClient admin, String[] right) {
        boolean sub = right[2].contains("/");
        var review = admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
                .withNewSpec().withUser(ACCOUNT).withGroups("system:serviceaccounts",
                        "system:serviceaccounts:helm-warden-own", "system:authenticated")
                .withNewResourceAttributes().withVerb(right[0]).withGroup(right[1])
                .withResource(sub ? right[2].substring(0, right[2].indexOf('/')) : right[2])
                .withSubresource(sub ? right[2].substring(right[2].indexOf('/') + 1) : null)
                .withNamespace("default").endResourceAttributes().endSpec().build());
        return Boolean.TRUE.equals(review.getStatus().getAllowed());
    }

    /** The API server is shared by every IT class: cluster-wide grants of this test must not outlive it. */
    @AfterEach
    void removeWhatWasApplied(KubeApiServer server) {
        KubernetesClient admin = server.adminClient();
        applied.stream().filter(object -> object.getMetadata().getNamespace() == null)
                .forEach(object -> admin.resource(object).delete());
    }
}
