package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helmwarden.audit.AuditEvent;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.tenancy.Teams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * The demo is for clicking through: every remediation a demo Tiller's plan allows runs to the end on the
 * in-process demo clusters, as it would for a person trying the product.
 */
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:demo-remediations;DB_CLOSE_DELAY=-1",
        "helmwarden.demo.idp.port=0"})
@ActiveProfiles("demo")
class DemoRemediationsIT {

    static final AuditEvent.Actor ADMIN = new AuditEvent.Actor("admin", "Alex Admin", "PLATFORM_ADMIN");

    @Autowired
    FleetState fleet;

    @Autowired
    RemediationExecutor executor;

    @Autowired
    RemediationRuns runs;

    @Autowired
    Teams teams;

    @Autowired
    Helm3Conversions conversions;

    @Test
    void everyRemediationThePlansAllowRunsOnTheDemoFleet() {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.clusters().size() == 2
                && fleet.clusters().stream().allMatch(c -> !c.tillers().isEmpty()));
        List<String> ran = new ArrayList<>();
        for (RemediationKind kind : RemediationKind.previewedKinds()) {
            for (var cluster : fleet.clusters()) {
                for (var state : cluster.tillers()) {
                    Tiller tiller = fleet.tiller(state.tiller().id()).orElseThrow().tiller();
                    List<String> namespaces = tiller.team().flatMap(teams::find)
                            .map(team -> team.namespaces().getOrDefault(tiller.cluster(), List.of())).orElse(List.of());
                    var conversion = kind == RemediationKind.CONVERT_TO_HELM3
                            ? java.util.Optional.of(conversions.survey(tiller, java.util.Optional.empty(), 0))
                            : java.util.Optional.<Helm3Survey.Preview>empty();
                    RemediationPlan plan = kind.plan(new PlanInput(tiller, new PlanInput.Settings(200, false),
                            namespaces, Map.of(), conversion));
                    if (plan.refusal().isPresent()) {
                        continue;
                    }
                    RemediationRun run = executor.start(plan, tiller, ADMIN);
                    await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(run.id()).orElseThrow().finished());
                    RemediationRun done = runs.find(run.id()).orElseThrow();
                    assertThat(done.state()).as(kind.id() + " on " + tiller.id() + ": " + done.error())
                            .isEqualTo(RemediationRun.State.DONE);
                    ran.add(kind.id() + " " + tiller.id());
                }
            }
        }
        assertThat(ran).hasSizeGreaterThan(10).anyMatch(line -> line.startsWith("migrate-to-helm3 "));
    }
}
