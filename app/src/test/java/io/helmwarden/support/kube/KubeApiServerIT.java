package io.helmwarden.support.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proof that the test control plane is a real one: RBAC denies and grants, stale writes conflict. */
@ExtendWith(KubeApiServerExtension.class)
class KubeApiServerIT {

    @Test
    void aServiceAccountWithoutRightsIsForbiddenUntilARoleBindingGrantsThem(KubeApiServer server) {
        KubernetesClient admin = server.adminClient();
        String namespace = server.createNamespace("rbac");
        admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
                .withNewMetadata().withName("tiller").endMetadata().build()).create();
        KubernetesClient tiller = server.serviceAccountClient(namespace, "tiller");

        assertThatThrownBy(() -> tiller.configMaps().inNamespace(namespace).list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
                .hasMessageContaining("system:serviceaccount:" + namespace + ":tiller")
                .hasMessageContaining("cannot list resource \"configmaps\"");

        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder()
                .withNewMetadata().withName("storage").endMetadata()
                .addNewRule().withApiGroups("").withResources("configmaps").withVerbs("list").endRule()
                .build()).create();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
                .withNewMetadata().withName("storage").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "storage")
                .addNewSubject().withKind("ServiceAccount").withName("tiller").withNamespace(namespace).endSubject()
                .build()).create();

        assertThat(tiller.configMaps().inNamespace(namespace).list().getItems()).isEmpty();
        // The grant is exactly what the Role says: still no Secrets, and nothing in other namespaces.
        assertThatThrownBy(() -> tiller.secrets().inNamespace(namespace).list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThatThrownBy(() -> tiller.configMaps().inNamespace("default").list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void aGroupIsAuthorizedThroughItsBindingOnly(KubeApiServer server) {
        String namespace = server.createNamespace("group");
        KubernetesClient admin = server.adminClient();
        // A Role of our own: the built-in view/edit/admin ClusterRoles are aggregated by the
        // controller-manager, which does not run here, so their rules stay empty.
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder()
                .withNewMetadata().withName("pod-reader").endMetadata()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("list").endRule()
                .build()).create();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
                .withNewMetadata().withName("viewers").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "pod-reader")
                .addNewSubject().withKind("Group").withName("team-a").withApiGroup("rbac.authorization.k8s.io")
                .endSubject()
                .build()).create();

        assertThat(server.clientAs("alice", "team-a").pods().inNamespace(namespace).list().getItems()).isEmpty();
        assertThatThrownBy(() -> server.clientAs("bob", "team-b").pods().inNamespace(namespace).list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void anUpdateWithAStaleResourceVersionIsRejectedWithConflict(KubeApiServer server) {
        KubernetesClient admin = server.adminClient();
        String namespace = server.createNamespace("conflict");
        ConfigMap created = admin.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("record").endMetadata().withData(Map.of("release", "v1")).build()).create();

        ConfigMap first = new ConfigMapBuilder(created).withData(Map.of("release", "v2")).build();
        admin.configMaps().inNamespace(namespace).resource(first).update();

        ConfigMap stale = new ConfigMapBuilder(created).withData(Map.of("release", "v3")).build();
        assertThatThrownBy(() -> admin.configMaps().inNamespace(namespace).resource(stale).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(admin.configMaps().inNamespace(namespace).withName("record").get().getData())
                .containsEntry("release", "v2");
    }
}
