package io.helmwarden.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.Tiller;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.util.HtmlUtils;

/**
 * Every list the app can produce is cut by the one visibility rule: a team's people crawl everything reachable
 * from the fleet page — every link, every htmx fragment, the exports and the JSON API — on the demo fleet, and
 * no answer names another team's (or no team's) Tiller or release record. The crawl must reach their own Tiller,
 * and a platform admin's crawl every Tiller, or the test proves nothing.
 */
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:every-list-is-cut;DB_CLOSE_DELAY=-1",
        "helmwarden.demo.idp.port=0"})
@ActiveProfiles("demo")
@AutoConfigureMockMvc
class EveryListIsCutIT {

    private static final String OWN_TEAM = "payments";
    private static final Pattern LINK = Pattern.compile("(?:href|hx-get|action)=\"(/[^\"#]*)\"");
    /** Addresses that act or leave the app, not lists to read. */
    private static final Pattern NOT_A_LIST = Pattern.compile("^/(logout|oauth2|login|css|js|images|webjars|favicon).*");
    private static final int MAX_PAGES = 400;

    @Autowired
    MockMvc mvc;

    @Autowired
    FleetState fleet;

    @Test
    void teamPeopleReadNothingOfOtherTeams() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.clusters().size() == 2
                && fleet.clusters().stream().allMatch(cluster -> !cluster.tillers().isEmpty()));
        List<Tiller> all = fleet.clusters().stream().flatMap(cluster -> cluster.tillers().stream())
                .map(ClusterInventory.TillerState::tiller).toList();
        Set<String> foreign = new LinkedHashSet<>();
        all.stream().filter(tiller -> !tiller.team().equals(Optional.of(OWN_TEAM))).forEach(tiller -> {
            foreign.add(tiller.id());
            tiller.records().stream().map(ReleaseRecord::objectName).forEach(foreign::add);
        });
        Tiller own = all.stream().filter(tiller -> tiller.team().equals(Optional.of(OWN_TEAM))).findFirst().orElseThrow();
        // A release of the same name in the team's own Tiller is theirs to read.
        all.stream().filter(tiller -> tiller.team().equals(Optional.of(OWN_TEAM)))
                .flatMap(tiller -> tiller.records().stream()).map(ReleaseRecord::objectName).forEach(foreign::remove);
        assertThat(foreign).as("the demo fleet has other teams' Tillers to hide").hasSizeGreaterThan(10);

        for (var person : List.of(RouteAccessIT.Person.TEAM_MEMBER, RouteAccessIT.Person.TEAM_LEAD)) {
            Map<String, String> pages = crawl(person);
            System.out.printf("visibility crawl: %s read %d addresses (each as a page and as an htmx fragment),"
                    + " %d strings of other teams looked for%n", person, pages.size(), foreign.size());
            assertThat(pages).as(person + " crawled").hasSizeGreaterThan(15);
            assertThat(String.join("\n", pages.values())).as(person + " reads their own Tiller").contains(own.id());
            pages.forEach((url, body) -> {
                String text = HtmlUtils.htmlUnescape(body);
                assertThat(foreign).as(person + " at " + url).noneMatch(text::contains);
            });
        }
    }

    @Test
    void aPlatformAdminsCrawlReachesEveryTiller() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.clusters().size() == 2
                && fleet.clusters().stream().allMatch(cluster -> !cluster.tillers().isEmpty()));
        String everything = String.join("\n", crawl(RouteAccessIT.Person.PLATFORM_ADMIN).values());
        assertThat(fleet.clusters().stream().flatMap(cluster -> cluster.tillers().stream()))
                .allSatisfy(state -> assertThat(everything).contains(state.tiller().id()));
    }

    /** Every page reachable from the entry points, as full pages and as the fragments htmx asks for. */
    private Map<String, String> crawl(RouteAccessIT.Person person) throws Exception {
        Map<String, String> bodies = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of("/", "/remediations", "/tiller-requests", "/audit",
                "/audit/export.csv", "/audit/export.json", "/api/inventory", "/api/findings"));
        while (!queue.isEmpty() && bodies.size() < MAX_PAGES) {
            String url = queue.poll();
            if (bodies.containsKey(url) || NOT_A_LIST.matcher(url).matches()) {
                continue;
            }
            String body = read(url, person, false);
            bodies.put(url, body + "\n" + read(url, person, true));
            Matcher links = LINK.matcher(body);
            while (links.find()) {
                String link = HtmlUtils.htmlUnescape(links.group(1));
                if (!bodies.containsKey(link)) {
                    queue.add(link);
                }
            }
        }
        return bodies;
    }

    private String read(String url, RouteAccessIT.Person person, boolean htmx) throws Exception {
        var request = get(url).with(RouteAccessIT.as(person));
        if (htmx) {
            request.header("HX-Request", "true");
        }
        MvcResult result = mvc.perform(request).andReturn();
        if (result.getRequest().isAsyncStarted()) {
            result = mvc.perform(asyncDispatch(result)).andReturn();
        }
        return result.getResponse().getContentAsString();
    }
}
