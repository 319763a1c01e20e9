package io.helmwarden.remediation;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.helmwarden.cluster.AdditionalClusters;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.support.kube.KubeApiServer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The app with the real test API server as its only cluster ("real"), on an in-memory database, with a
 * CA key and one team ("harden"); the test classes that carry it share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:storage-migration;DB_CLOSE_DELAY=-1",
        "spring.security.oauth2.client.registration.test.client-id=helm-warden",
        "spring.security.oauth2.client.registration.test.authorization-grant-type=authorization_code",
        "spring.security.oauth2.client.registration.test.redirect-uri={baseUrl}/login/oauth2/code/test",
        "spring.security.oauth2.client.provider.test.authorization-uri=https://idp.invalid/authorize",
        "spring.security.oauth2.client.provider.test.token-uri=https://idp.invalid/token",
        "helmwarden.inventory-refresh=200ms",
        "helmwarden.pki.key-encryption-key=test-only-key",
        "helmwarden.teams[0].id=harden",
        "helmwarden.teams[0].display-name=Harden",
        "helmwarden.teams[0].lead-groups=harden-leads",
        "helmwarden.teams[0].namespaces.real=harden-scope,harden-apps-1,harden-apps-2,harden-drivers"})
@Import(MigrationOnRealApiServer.RealCluster.class)
@interface MigrationOnRealApiServer {

    java.nio.file.Path SHIPPED_PERSON_MANIFEST = java.nio.file.Path.of("../config/kubernetes/helm-warden-person.yaml");

    @TestConfiguration
    class RealCluster {
        /**
         * @param actAs whose identity writes go out with ({@code helmwarden.test.real-act-as}, Helm Warden's by
         *              default); acting as persons, the app runs under the service account of the shipped
         *              {@code config/kubernetes/helm-warden-person.yaml}, applied as it is, with a real token of it
         */
        @Bean
        AdditionalClusters realApiServer(@org.springframework.beans.factory.annotation.Value(
                "${helmwarden.test.real-act-as:HELM_WARDEN}") io.helmwarden.cluster.ActAs actAs) throws Exception {
            KubeApiServer server = KubeApiServer.shared();
            var base = server.adminClient();
            if (actAs == io.helmwarden.cluster.ActAs.PERSON) {
                try (var manifest = java.nio.file.Files.newInputStream(SHIPPED_PERSON_MANIFEST)) {
                    for (var object : base.load(manifest).items()) {
                        base.resource(object).createOr(existing -> existing.update());
                    }
                }
                base = server.tokenClient("helm-warden", "helm-warden");
            }
            // A small retry budget (~0.7 s instead of the client's default ~100 s), so a killed API server
            // fails the step at hand and the fault tests exercise resuming it, not just riding out the outage.
            var config = new ConfigBuilder(base.getConfiguration()).withRequestRetryBackoffLimit(3).build();
            return () -> List.of(new Cluster("real", "Real API server", "test kube-apiserver", server.url(),
                    new KubernetesClientBuilder().withConfig(config).build(), actAs));
        }
    }
}
