package io.helmwarden.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.check.Finding;
import io.helmwarden.check.Severity;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.remediation.RemediationRuns;
import io.helmwarden.support.kube.KubeApiServer;
import io.helmwarden.support.kube.RealApiServerCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The request workflow on the real API server: validation, two admins approving at once (one provisioning),
 * the provisioned Tiller seen by the inventory with nothing but the Helm 2 end-of-life notice, its team's
 * group allowed to reach it and nothing more, another team's group not; a rejected and a withdrawn request.
 */
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:tiller-requests;DB_CLOSE_DELAY=-1",
        "spring.security.oauth2.client.registration.test.client-id=helm-warden",
        "spring.security.oauth2.client.registration.test.authorization-grant-type=authorization_code",
        "spring.security.oauth2.client.registration.test.redirect-uri={baseUrl}/login/oauth2/code/test",
        "spring.security.oauth2.client.provider.test.authorization-uri=https://idp.invalid/authorize",
        "spring.security.oauth2.client.provider.test.token-uri=https://idp.invalid/token",
        "helmwarden.inventory-refresh=200ms",
        "helmwarden.pki.key-encryption-key=test-only-key",
        "helmwarden.teams[0].id=provision",
        "helmwarden.teams[0].display-name=Provision",
        "helmwarden.teams[0].member-groups=team-provision",
        "helmwarden.teams[0].lead-groups=team-provision-leads",
        "helmwarden.teams[0].namespaces.real=provision-tiller,provision-web,provision-api",
        "helmwarden.teams[1].id=other",
        "helmwarden.teams[1].display-name=Other",
        "helmwarden.teams[1].member-groups=team-other",
        "helmwarden.teams[1].namespaces.real=other-tiller,other-web"})
@Import(RealApiServerCluster.class)
class TillerRequestsIT {

    static final AuditEvent.Actor LEAD = new AuditEvent.Actor("priya", "Priya", "TEAM_LEAD");
    static final AuditEvent.Actor ADMIN = new AuditEvent.Actor("alex", "Alex", "PLATFORM_ADMIN");
    static final AuditEvent.Actor OTHER_ADMIN = new AuditEvent.Actor("ana", "Ana", "PLATFORM_ADMIN");

    @Autowired
    TillerRequests requests;

    @Autowired
    RemediationRuns runs;

    @Autowired
    FleetState fleet;

    final KubernetesClient admin = KubeApiServer.shared().adminClient();

    @Test
    void invalidDraftsAreRefusedWithAReasonPerField() {
        var errors = requests.validate(new TillerRequests.Draft("provision", "real", "other-web, Bad_Name", "", 0, "v1"));
        assertThat(errors).containsOnlyKeys("namespaces", "justification", "historyMax", "helmVersion");
        assertThat(errors.get("namespaces")).contains("\"Bad_Name\" is not a namespace name");
        // Text that reads differently from what is stored (right-to-left override) is refused, saying which.
        assertThat(requests.validate(new TillerRequests.Draft("provision", "real", "provision-web",
                "ok \u202Eevil", 200, "v2.17.0")).get("justification")).contains("U+202E");
        assertThat(requests.validate(new TillerRequests.Draft("provision", "real", "other-web, kube-system", "why", 200,
                "v2.17.0")).get("namespaces"))
                // Another team's namespace and an unowned one get the same words: no tenant is named.
                .contains("other-web is not one of team provision's namespaces on real",
                        "kube-system is not one of team provision's namespaces on real")
                .doesNotContain("team other");
        assertThat(requests.validate(new TillerRequests.Draft("provision", "nowhere", "provision-web", "why", 200,
                "v2.17.0"))).containsOnlyKeys("cluster");
    }

    @Test
    void approvedOnceByTwoAdminsItIsProvisionedOnceAndHardened() throws Exception {
        TillerRequest submitted = requests.submit(new TillerRequests.Draft("provision", "real", "provision-web provision-api",
                "our payment services", 150, "v2.17.0"), LEAD);
        assertThat(submitted.state()).isEqualTo(TillerRequest.State.SUBMITTED);
        assertThat(requests.validate(new TillerRequests.Draft("provision", "real", "provision-web", "again", 10,
                "v2.17.0")).get("cluster")).contains("already has an open request");

        // Two admins click "approve" at the same moment.
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<String>> approvals = new ArrayList<>();
        for (var actor : List.of(ADMIN, OTHER_ADMIN)) {
            approvals.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                    requests.approve(submitted.id(), null, actor);
                    return "approved";
                } catch (TillerRequests.Conflict e) {
                    return "conflict";
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        start.countDown();
        assertThat(approvals.stream().map(CompletableFuture::join).toList()).containsExactlyInAnyOrder("approved", "conflict");
        assertThat(runs.forTiller("real/provision-tiller/tiller-deploy")).hasSize(1);

        await().atMost(Duration.ofSeconds(60)).until(() -> !requests.find(submitted.id()).orElseThrow().state().open());
        TillerRequest ready = requests.find(submitted.id()).orElseThrow();
        assertThat(ready.state()).as(String.valueOf(ready.history())).isEqualTo(TillerRequest.State.READY);
        assertThat(ready.history()).extracting(TillerRequest.Event::to).containsExactly(TillerRequest.State.SUBMITTED,
                TillerRequest.State.APPROVED, TillerRequest.State.PROVISIONING, TillerRequest.State.READY);

        // The inventory sees a Tiller that passes every check; Helm 2's end of life is the one notice left.
        // The run ends once its last object is written; the watches see it a moment later.
        await().atMost(Duration.ofSeconds(20)).until(() -> fleet.tiller("real/provision-tiller/tiller-deploy")
                .map(s -> s.findings().size() == 1).orElse(false));
        var state = fleet.tiller("real/provision-tiller/tiller-deploy").orElseThrow();
        assertThat(state.findings()).extracting(Finding::checkId).containsExactly("helm2-end-of-life");
        assertThat(state.findings()).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.INFO));
        assertThat(state.tiller().team()).contains("provision");
        assertThat(state.tiller().historyMax()).isEqualTo(150);

        // The team's group may reach it (list pods, port-forward) and do nothing more there; another team may not.
        String ns = "provision-tiller";
        assertThat(allowed("team-provision", "list", "pods", null, ns)).isTrue();
        assertThat(allowed("team-provision", "create", "pods", "portforward", ns)).isTrue();
        assertThat(allowed("team-provision", "create", "pods", null, ns)).isFalse();
        assertThat(allowed("team-provision", "get", "secrets", null, ns)).isFalse();
        assertThat(allowed("team-provision", "create", "pods", "exec", ns)).isFalse();
        assertThat(allowed("team-other", "create", "pods", "portforward", ns)).isFalse();
        assertThat(allowed("team-other", "list", "pods", null, ns)).isFalse();

        // Decommissioning: refused while a release record exists, unless its records are kept.
        admin.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                .withName("web.v1").addToLabels("OWNER", "TILLER").addToLabels("NAME", "web").addToLabels("VERSION", "1")
                .addToLabels("STATUS", "DEPLOYED").endMetadata().addToData("release", "SDRzSUFBQUFBQUFBLw==").build())
                .create();
        await().atMost(Duration.ofSeconds(20)).until(() -> fleet.tiller("real/provision-tiller/tiller-deploy")
                .map(s -> s.tiller().records().size() == 1).orElse(false));
        requests.requestDecommission(ready.id(), "moved to Helm 3", LEAD);
        assertThatThrownBy(() -> requests.approveDecommission(ready.id(), false, ADMIN))
                .isInstanceOf(TillerRequests.Conflict.class).hasMessageContaining("1 release records remain");
        requests.approveDecommission(ready.id(), true, ADMIN);
        await().atMost(Duration.ofSeconds(60)).until(() -> !requests.find(ready.id()).orElseThrow().state().working());
        TillerRequest gone = requests.find(ready.id()).orElseThrow();
        assertThat(gone.state()).as(String.valueOf(gone.history())).isEqualTo(TillerRequest.State.DECOMMISSIONED);
        assertThat(admin.apps().deployments().inNamespace(ns).withName("tiller-deploy").get()).isNull();
        assertThat(admin.rbac().roles().inNamespace("provision-web").withName("helm-warden-tiller").get()).isNull();
        assertThat(admin.namespaces().withName("provision-web").get()).isNotNull();
        assertThat(admin.secrets().inNamespace(ns).withName("web.v1").get()).isNotNull();
        assertThat(allowed("team-provision", "create", "pods", "portforward", ns)).isFalse();
    }

    @Test
    void aRejectedAndAWithdrawnRequestProvisionNothing() {
        TillerRequest first = requests.submit(new TillerRequests.Draft("other", "real", "other-web", "try", 200,
                "v2.16.12"), LEAD);
        assertThatThrownBy(() -> requests.reject(first.id(), " ", ADMIN)).isInstanceOf(TillerRequests.Invalid.class);
        TillerRequest rejected = requests.reject(first.id(), "use Helm 3 instead", ADMIN);
        assertThat(rejected.state()).isEqualTo(TillerRequest.State.REJECTED);
        assertThat(rejected.decisionComment()).isEqualTo("use Helm 3 instead");
        assertThatThrownBy(() -> requests.approve(first.id(), null, ADMIN)).isInstanceOf(TillerRequests.Conflict.class)
                .hasMessageContaining("rejected");

        TillerRequest second = requests.submit(new TillerRequests.Draft("other", "real", "other-web", "again", 200,
                "v2.16.12"), LEAD);
        assertThat(requests.withdraw(second.id(), LEAD).state()).isEqualTo(TillerRequest.State.WITHDRAWN);
        assertThatThrownBy(() -> requests.approve(second.id(), null, ADMIN)).isInstanceOf(TillerRequests.Conflict.class);
        assertThat(admin.namespaces().withName("other-tiller").get()).isNull();
        assertThat(runs.forTiller("real/other-tiller/tiller-deploy")).isEmpty();
    }

    private boolean allowed(String group, String verb, String resource, String subresource, String namespace) {
        var review = admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
                .withNewSpec().withUser("someone").withGroups(group, "system:authenticated")
                .withNewResourceAttributes().withVerb(verb).withResource(resource).withSubresource(subresource)
                .withNamespace(namespace).endResourceAttributes().endSpec().build());
        return Boolean.TRUE.equals(review.getStatus().getAllowed());
    }
}
