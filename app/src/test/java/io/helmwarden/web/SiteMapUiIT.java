package io.helmwarden.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helmwarden.fleet.FleetState;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.support.Browser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Every page each demo account can reach, in Chromium on a desktop (1440 × 900) and on a phone (390 × 844),
 * read as a person reads it: nothing scrolls sideways, every heading is plain text, every page about a
 * Tiller names its cluster in the breadcrumb, the console stays free of errors (CSP violations included),
 * and axe-core finds no serious or critical accessibility violation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "helmwarden.demo.idp.port=0",
        "spring.datasource.url=jdbc:h2:mem:site-map-ui;DB_CLOSE_DELAY=-1"})
@ActiveProfiles("demo")
class SiteMapUiIT {

    static final String AXE = axe();

    @LocalServerPort
    int port;

    @Autowired
    FleetState fleet;

    @ParameterizedTest(name = "{0} at {2}×{3}")
    @CsvSource({
            "admin, warden-admin, 1440, 900", "admin, warden-admin, 390, 844",
            "payments-lead, warden-payments, 1440, 900", "payments-lead, warden-payments, 390, 844",
            "search-lead, warden-search, 390, 844",
            "auditor, warden-auditor, 1440, 900",
            "visitor, warden-visitor, 390, 844"})
    void everyPageReadsWellAndScrollsOnlyDownwards(String account, String password, int width, int height) {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.clusters().size() == 2
                && fleet.clusters().stream().allMatch(cluster -> !cluster.tillers().isEmpty()));
        WebDriver browser = Browser.start(width, height);
        try {
            if (width < 600) {
                ((ChromeDriver) browser).executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width,
                        "height", height, "deviceScaleFactor", 2, "mobile", true));
            }
            browser.get("http://127.0.0.1:" + port + "/");
            var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            browser.findElement(By.id("username")).sendKeys(account);
            browser.findElement(By.id("password")).sendKeys(password);
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("h1")));
            Browser.consoleErrors(browser);

            List<String> problems = new ArrayList<>();
            for (Page page : pages(account)) {
                browser.get("http://127.0.0.1:" + port + page.path());
                wait.until(driver -> "complete".equals(((JavascriptExecutor) driver).executeScript("return document.readyState")));
                problems.addAll(read(browser, page, width));
                // The desktop views are SignInUiIT's README screenshots; these are the phone's.
                if (page.screenshot() != null && width < 600) {
                    Browser.screenshot(browser, page.screenshot() + "-phone");
                }
            }
            assertThat(problems).as(account + " at " + width + "×" + height).isEmpty();
        } finally {
            browser.quit();
        }
    }

    /** What a person would notice on the page, one line per problem. */
    private List<String> read(WebDriver browser, Page page, int width) {
        List<String> problems = new ArrayList<>();
        var js = (JavascriptExecutor) browser;
        long scrollWidth = (Long) js.executeScript("return document.documentElement.scrollWidth");
        // On a phone the layout viewport grows with what overflows it: compare with the device's own width.
        long innerWidth = Math.min(width, (Long) js.executeScript("return window.innerWidth"));
        if (scrollWidth > innerWidth) {
            problems.add(page.path() + ": scrolls sideways (" + scrollWidth + " px wide in " + innerWidth + ")");
        }
        if (browser.findElements(By.tagName("h1")).size() != 1) {
            problems.add(page.path() + ": " + browser.findElements(By.tagName("h1")).size() + " h1 headings");
        }
        for (var heading : browser.findElements(By.tagName("h1"))) {
            if (heading.getText().contains("<") || heading.getText().isBlank()) {
                problems.add(page.path() + ": heading \"" + heading.getText() + "\"");
            }
        }
        if (page.cluster() != null) {
            var crumbs = browser.findElements(By.cssSelector("[data-testid=breadcrumbs] [data-testid=crumb-cluster]"));
            if (crumbs.isEmpty() || !crumbs.get(0).getText().equals(page.cluster())) {
                problems.add(page.path() + ": the breadcrumb does not name cluster " + page.cluster());
            }
        }
        // The page's own status (a 403 or 404 page) is logged too; that is the page, not an error on it.
        String self = browser.getCurrentUrl() + " - Failed to load resource";
        Browser.consoleErrors(browser).stream().filter(error -> !error.startsWith(self))
                .forEach(error -> problems.add(page.path() + ": console: " + error));
        Object violations = js.executeAsyncScript(AXE + "\nvar done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r.violations"
                + ".filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
                + ".map(function (v) { return v.id + ' (' + v.impact + ') at ' + v.nodes.slice(0, 3)"
                + ".map(function (n) { return n.target.join(' '); }).join(', '); })); })"
                + ".catch(function (e) { done(['axe failed: ' + e]); });");
        ((List<?>) violations).forEach(violation -> problems.add(page.path() + ": axe: " + violation));
        return problems;
    }

    /** @param cluster the cluster the page is about, which its breadcrumb must name; null for other pages */
    record Page(String path, String cluster, String screenshot) {
    }

    /** The pages an account reaches by clicking: the fleet, each visible cluster, team, Tiller and its pages. */
    private List<Page> pages(String account) {
        List<Page> pages = new ArrayList<>(List.of(new Page("/", null, null), new Page("/remediations", null, null),
                new Page("/tiller-requests", null, null), new Page("/no-such-page", null, null)));
        if (account.equals("visitor")) {
            return List.of(new Page("/", null, null), new Page("/no-such-page", null, null));
        }
        List<String> teams = switch (account) {
            case "payments-lead" -> List.of("payments");
            case "search-lead" -> List.of("search");
            default -> List.of("payments", "search", "data");
        };
        boolean all = teams.size() > 1;
        pages.add(new Page("/audit", null, null));
        if (account.endsWith("-lead")) {
            pages.add(new Page("/tiller-requests/new", null, null));
        }
        teams.forEach(team -> pages.add(new Page("/teams/" + team, null, null)));
        for (var cluster : fleet.clusters()) {
            boolean visibleCluster = all || cluster.tillers().stream()
                    .anyMatch(state -> state.tiller().team().map(teams::contains).orElse(false));
            if (visibleCluster) {
                pages.add(new Page("/clusters/" + cluster.clusterId(), null, null));
            }
            for (var state : cluster.tillers()) {
                Tiller tiller = state.tiller();
                if (!all && !tiller.team().map(teams::contains).orElse(false)) {
                    continue;
                }
                String base = "/tillers/" + tiller.id();
                boolean showcase = "prod-eu/kube-system/tiller-deploy".equals(tiller.id()) && account.equals("admin");
                pages.add(new Page(base, tiller.cluster(), showcase ? "tiller" : null));
                pages.add(new Page(base + "/client-certificates", tiller.cluster(), null));
                pages.add(new Page(base + "/remediations/migrate-storage-to-secrets", tiller.cluster(), null));
                pages.add(new Page(base + "/remediations/restrict-scope", tiller.cluster(), null));
                pages.add(new Page(base + "/remediations/migrate-to-helm3", tiller.cluster(), null));
                pages.add(new Page(base + "/remediations/remove-tiller", tiller.cluster(), null));
                tiller.records().stream().findFirst().ifPresent(record ->
                        pages.add(new Page(base + "/releases/" + record.release(), tiller.cluster(), null)));
            }
        }
        if (account.equals("admin")) {
            pages.set(0, new Page("/", null, "fleet"));
        }
        return pages;
    }

    private static String axe() {
        try (InputStream in = SiteMapUiIT.class.getResourceAsStream("/META-INF/resources/webjars/axe-core/4.6.3/axe.min.js")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("axe-core is not on the test classpath", e);
        }
    }
}
