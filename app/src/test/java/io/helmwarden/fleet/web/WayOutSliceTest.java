package io.helmwarden.fleet.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.fleet.ConvertedReleases;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.chart.Chart;
import io.helmwarden.release.hapi.chart.Metadata;
import io.helmwarden.release.hapi.release.Info;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.web.WebSliceTest;
import io.helmwarden.web.WebSliceTest.RealCheckCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/** The way off Helm 2 on the Fleet page: four figures per cluster and team, cut to what the viewer may see. */
@WebMvcTest(value = FleetController.class, properties = {
        "helmwarden.teams[0].id=payments", "helmwarden.teams[0].display-name=Payments",
        "helmwarden.teams[0].namespaces.lab[0]=payments-tiller",
        "helmwarden.teams[1].id=search", "helmwarden.teams[1].display-name=Search",
        "helmwarden.teams[1].namespaces.lab[0]=search-tiller"})
@Import(RealCheckCatalog.class)
class WayOutSliceTest extends WebSliceTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Autowired
    CheckCatalog catalog;

    @Autowired
    Teams teams;

    @BeforeEach
    void labWithTwoTeams() {
        var payments = tillerState("payments-tiller", teams, catalog, NOW, List.of(
                record("payments-tiller", "api", 1), record("payments-tiller", "api", 2), record("payments-tiller", "db", 1)));
        var search = tillerState("search-tiller", teams, catalog, NOW, List.of(record("search-tiller", "index", 1)));
        var inventory = new ClusterInventory("lab", "Lab", true, NOW, Map.of(), List.of(payments, search), List.of(
                new ClusterInventory.Helm3Release("payments-tiller", "web", 1, "superseded"),
                new ClusterInventory.Helm3Release("payments-tiller", "web", 2, "deployed"),
                new ClusterInventory.Helm3Release("search-tiller", "ui", 1, "deployed")), OptionalInt.of(50));
        var lab = new Cluster("lab", "Lab", "kubeconfig", "https://10.0.0.1", Mockito.mock(KubernetesClient.class));
        given(registry.all()).willReturn(List.of(lab));
        given(registry.find("lab")).willReturn(Optional.of(lab));
        given(health.status("lab")).willReturn(new io.helmwarden.cluster.ClusterStatus("lab",
                io.helmwarden.cluster.ClusterStatus.Reachability.REACHABLE, "v1.20.2", NOW, NOW, null));
        given(fleet.cluster("lab")).willReturn(Optional.of(inventory));
        given(fleet.clusters()).willReturn(List.of(inventory));
        given(convertedReleases.converted()).willReturn(List.of(
                new ConvertedReleases.Converted("lab/payments-tiller/tiller-deploy", "payments", "payments-tiller", "web"),
                new ConvertedReleases.Converted("lab/search-tiller/tiller-deploy", "search", "search-tiller", "ui"),
                new ConvertedReleases.Converted("lab/gone/tiller-deploy", "search", "search-tiller", "old")));
    }

    @Test
    void anAdminSeesTheWholeWayOutPerClusterAndPerTeam() throws Exception {
        String html = page(admin());
        assertThat(row(html, "data-cluster=\"Lab\"")).isEqualTo("Lab 2 3 3 2 not recorded yet");
        assertThat(row(html, "data-team=\"payments\"")).isEqualTo("payments 1 2 1 1");
        assertThat(row(html, "data-team=\"search\"")).isEqualTo("search 1 1 2 1");
    }

    @Test
    void aTeamMemberCountsOnlyTheirTeamsTillersConversionsAndNamespaces() throws Exception {
        String html = page(member("payments"));
        assertThat(row(html, "data-cluster=\"Lab\"")).isEqualTo("Lab 1 2 1 1");
        assertThat(html).doesNotContain("data-team=\"search\"");
    }

    private String page(RequestPostProcessor who) throws Exception {
        return mvc.perform(get("/").with(who)).andReturn().getResponse().getContentAsString();
    }

    /** A table row's cells as a person reads them, space-separated. */
    private static String row(String html, String marker) {
        int start = html.indexOf(marker);
        assertThat(start).as(marker).isPositive();
        String row = html.substring(start, html.indexOf("</tr>", start));
        return row.substring(row.indexOf('>') + 1).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip();
    }

    private static ConfigMap record(String namespace, String release, int revision) {
        return (ConfigMap) ReleaseRecords.create(Release.newBuilder().setName(release).setVersion(revision)
                .setNamespace(namespace).setChart(Chart.newBuilder().setMetadata(Metadata.newBuilder().setName(release)))
                .setInfo(Info.newBuilder().setStatus(Status.newBuilder().setCode(Status.Code.DEPLOYED))).build(),
                ReleaseStorage.CONFIGMAP, namespace, NOW);
    }
}
