package io.helmwarden.fleet.web;

import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterStatus;
import io.helmwarden.web.WebSliceTest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

@WebMvcTest(FleetController.class)
class FleetControllerTest extends WebSliceTest {

    @MockitoBean
    CheckCatalog catalog;

    @BeforeEach
    void clusters() {
        var prod = new Cluster("prod-eu", "Production EU", "kubeconfig", "https://10.0.0.1", Mockito.mock(KubernetesClient.class));
        var lab = new Cluster("lab", "Lab <script>", "kubeconfig", "https://10.0.0.2", Mockito.mock(KubernetesClient.class));
        given(registry.all()).willReturn(List.of(prod, lab));
        Instant at = Instant.parse("2026-11-23T10:00:00Z");
        given(health.status("prod-eu")).willReturn(new ClusterStatus("prod-eu", ClusterStatus.Reachability.REACHABLE,
                "v1.20.2", at, at, null));
        given(health.status("lab")).willReturn(new ClusterStatus("lab", ClusterStatus.Reachability.UNREACHABLE,
                null, at, null, "connection refused: nothing answers at the API server address"));
    }

    @Test
    void thePageShowsEveryClusterWithItsReachabilityAndAStrictPolicy() throws Exception {
        mvc.perform(get("/").with(admin()))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Security-Policy", containsString("script-src 'self'")))
                .andExpect(header().string("X-Frame-Options", "DENY"))
                .andExpect(content().string(allOf(
                        containsString("<h1>Fleet</h1>"),
                        containsString("Production EU"),
                        containsString("connection refused"),
                        containsString("Lab &lt;script&gt;"),
                        not(containsString("Lab <script>")))));
    }

    @Test
    void htmxIsServedFromTheWebJar() throws Exception {
        mvc.perform(get("/webjars/htmx.org/dist/htmx.min.js"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("htmx")));
    }

    @Test
    void htmxPollingGetsOnlyTheFleetFragment() throws Exception {
        mvc.perform(get("/").with(admin()).header("HX-Request", "true"))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("id=\"fleet\""), not(containsString("<html")))));
    }

    @Test
    void anonymousPeopleAreSentToSignInAndHtmxGetsAFullRefresh() throws Exception {
        mvc.perform(get("/").accept(MediaType.TEXT_HTML)).andExpect(status().is3xxRedirection());
        mvc.perform(get("/").header("HX-Request", "true"))
                .andExpect(header().string("HX-Refresh", "true"));
    }
}
