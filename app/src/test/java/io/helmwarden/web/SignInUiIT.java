package io.helmwarden.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.helmwarden.audit.AuditFilter;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.support.Browser;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole app in demo mode, signed into through the embedded OIDC provider with a real browser: the
 * authorization-code flow, the Fleet page with the demo clusters, sign-out, and a refused password.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "helmwarden.demo.idp.port=0",
        "spring.datasource.url=jdbc:h2:mem:sign-in-ui;DB_CLOSE_DELAY=-1"})
@ActiveProfiles("demo")
class SignInUiIT {

    @LocalServerPort
    int port;

    WebDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        browser = Browser.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @AfterEach
    void closeBrowser() {
        browser.quit();
    }

    @Test
    void adminSignsInSeesTheFleetAndSignsOut() {
        browser.get("http://localhost:" + port + "/");
        signIn("admin", "warden-admin");

        wait.until(ExpectedConditions.textToBe(By.cssSelector("h1"), "Fleet"));
        assertThat(browser.getCurrentUrl()).startsWith("http://127.0.0.1:" + port + "/");
        assertThat(browser.findElement(By.cssSelector("[data-testid=signed-in-user]")).getText()).isEqualTo("Alex Admin");
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=reachable-count]"), "2"));
        assertThat(browser.findElements(By.cssSelector("[data-testid=clusters] tbody tr")))
                .extracting(row -> row.findElement(By.tagName("strong")).getText())
                .containsExactly("Production EU", "Staging");
        assertThat(browser.findElement(By.cssSelector("[data-cluster=prod-eu]")).getText())
                .contains("Reachable", "v1.20");
        // The demo fleet's five Tillers, judged: the default one is cluster-admin, plaintext, in ConfigMaps.
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=tiller-count]"), "5"));
        assertThat(browser.findElement(By.cssSelector("[data-tiller='prod-eu/kube-system/tiller-deploy']")).getText())
                .contains("cluster-admin", "off", "ConfigMap", "unowned", "v2.16.1");
        assertThat(browser.findElement(By.cssSelector("[data-tiller='prod-eu/payments-tiller/tiller-deploy']")).getText())
                .contains("payments", "2 namespaces", "verify", "Secret", "no Service · 127.0.0.1");
        Browser.screenshot(browser, "fleet");

        // Filters work through htmx, land in the URL, and survive a reload and the live refresh.
        new Select(browser.findElement(By.name("team"))).selectByValue("payments");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid=tillers] tbody tr"), 1));
        wait.until(ExpectedConditions.urlContains("team=payments"));
        browser.navigate().refresh();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid=tillers] tbody tr"), 1));
        new Select(browser.findElement(By.name("team"))).selectByValue("");
        new Select(browser.findElement(By.name("severity"))).selectByValue("critical");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid=tillers] tbody tr"), 2));
        // Column headers sort too, and the sort is in the URL.
        browser.get("http://127.0.0.1:" + port + "/");
        browser.findElement(By.cssSelector("[data-testid=tillers] th a[title='Sort by tiller']")).click();
        wait.until(ExpectedConditions.urlContains("sort=name"));
        assertThat(browser.findElements(By.cssSelector("[data-testid=tillers] tbody tr"))).extracting(row ->
                row.getAttribute("data-tiller").split("/", 2)[1]).isSorted();
        // (headers are set in capitals by the style sheet)
        assertThat(browser.findElement(By.cssSelector("[data-testid=tillers] th[aria-sort=ascending]")).getText())
                .isEqualToIgnoringCase("Tiller");
        browser.get("http://127.0.0.1:" + port + "/");

        // A cluster: its Tillers and how far migration to Helm 3 has come.
        browser.findElement(By.linkText("Production EU")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=cluster-title]"), "Production EU"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=migration]")).getText()).contains("Helm 2 releases remain");
        assertThat(browser.findElement(By.cssSelector("[data-testid=bulk-migration]")).getText())
                .isEqualTo("Move release records to Secrets for all 2 Tillers on ConfigMaps…");
        assertThat(browser.findElement(By.cssSelector("[data-testid=breadcrumbs], .breadcrumbs")).getText()).contains("Fleet");
        Browser.screenshot(browser, "cluster");
        browser.get("http://127.0.0.1:" + port + "/");

        // Drill down: a Tiller with its findings and releases, then a release, whose values stay secret.
        browser.findElement(By.cssSelector("[data-tiller='prod-eu/kube-system/tiller-deploy'] a")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=tiller-title]"), "kube-system/tiller-deploy"));
        assertThat(browser.findElements(By.cssSelector("[data-testid=findings] li")))
                .extracting(finding -> finding.getAttribute("data-check"))
                .contains("tiller-cluster-admin", "grpc-no-tls", "releases-in-configmaps");
        assertThat(browser.findElement(By.cssSelector("[data-testid=scope]")).getText()).contains("every namespace");
        assertThat(browser.findElement(By.cssSelector("[data-testid=breadcrumbs]")).getText())
                .isEqualTo("Fleet › prod-eu › kube-system/tiller-deploy");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("kube-system/tiller-deploy\non prod-eu");
        assertThat(browser.getTitle()).isEqualTo("kube-system/tiller-deploy on prod-eu · Helm Warden");
        // Fix buttons are visible without opening anything; an opened explanation stays open while the page
        // follows the cluster (two live refreshes).
        var tls = browser.findElement(By.cssSelector("[data-check=grpc-no-tls]"));
        assertThat(tls.findElement(By.cssSelector("[data-testid=plan-remediation]")).isDisplayed()).isTrue();
        tls.findElement(By.tagName("summary")).click();
        new WebDriverWait(browser, Duration.ofSeconds(40)).until(driver -> Integer.parseInt(java.util.Objects
                .requireNonNullElse(driver.findElement(By.cssSelector("[data-live-for=tiller-live]"))
                        .getDomAttribute("data-refreshes"), "0")) >= 2);
        var afterRefreshes = browser.findElement(By.cssSelector("[data-check=grpc-no-tls]"));
        assertThat(afterRefreshes.findElement(By.tagName("details")).getDomProperty("open")).isEqualTo("true");
        assertThat(afterRefreshes.findElement(By.cssSelector("[data-testid=plan-remediation]")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.cssSelector("[data-live-for=tiller-live] [data-updated]")).getText())
                .startsWith("Live");
        Browser.screenshot(browser, "tiller");
        browser.findElement(By.linkText("sessions")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=release-title]"), "sessions"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=values]")).getText()).startsWith("supplied");
        assertThat(browser.getPageSource()).contains("redis 10.5.7").doesNotContain("r3dis-Pr0d-2019!");
        Browser.screenshot(browser, "release");

        // One-click remediation: the plan, the typed confirmation, live progress to done.
        browser.navigate().back();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-remediation=migrate-storage-to-secrets]")));
        browser.get(browser.findElement(By.cssSelector("[data-remediation=migrate-storage-to-secrets]")).getAttribute("href"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=plan]")));
        assertThat(browser.findElement(By.cssSelector("[data-testid=plan]")).getText()).contains("--storage=secret");
        browser.findElement(By.cssSelector("[data-testid=confirm]")).sendKeys("prod-eu/kube-system/wrong-name");
        browser.findElement(By.cssSelector("[data-testid=run-remediation]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=remediation-error]")));
        browser.findElement(By.cssSelector("[data-testid=confirm]")).sendKeys("prod-eu/kube-system/tiller-deploy");
        browser.findElement(By.cssSelector("[data-testid=run-remediation]")).click();
        wait.until(ExpectedConditions.textMatches(By.cssSelector("[data-testid=run-state] .badge"),
                java.util.regex.Pattern.compile("DONE|FAILED")));
        assertThat(browser.findElement(By.cssSelector("[data-testid=run-state]")).getText()).contains("DONE");
        assertThat(browser.findElement(By.cssSelector("[data-testid=run-steps]")).getText())
                .contains("9 Secrets created", "byte-identical", "--storage=secret");
        // The run page names the remediation and the Tiller on its cluster, in words and in the breadcrumb.
        assertThat(browser.findElement(By.tagName("h1")).getText())
                .isEqualTo("Migrating release records to Secrets\non prod-eu/kube-system/tiller-deploy");
        assertThat(browser.findElement(By.cssSelector("[data-testid=breadcrumbs]")).getText())
                .isEqualTo("Fleet › prod-eu › kube-system/tiller-deploy › Migrating release records to Secrets");
        assertThat(browser.findElement(By.cssSelector("[data-testid=backups]")).getText())
                .startsWith("9 ConfigMaps are kept as backups");
        assertThat(browser.findElement(By.cssSelector("[data-testid=run-state] time")).getText()).doesNotContain("T0", "Z");
        Browser.screenshot(browser, "remediation");
        browser.get("http://127.0.0.1:" + port + "/");

        browser.findElement(By.cssSelector("[data-testid=sign-out]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=signed-out]")));
        assertThat(browser.findElements(By.cssSelector("[data-testid=signed-in-user]"))).isEmpty();
        // Signed out at the provider too (RP-initiated logout): coming back asks for the password again.
        browser.get("http://127.0.0.1:" + port + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password")));
    }

    @Test
    void wrongPasswordIsRefused() {
        browser.get("http://127.0.0.1:" + port + "/");
        signIn("admin", "not-the-password");

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".alert-danger, .alert")));
        assertThat(browser.getPageSource()).contains("Invalid credentials");
        assertThat(browser.getCurrentUrl()).doesNotContain(":" + port + "/");
        Browser.screenshot(browser, "sign-in-refused");

        browser.get("http://127.0.0.1:" + port + "/");
        assertThat(browser.findElements(By.cssSelector("[data-testid=signed-in-user]"))).isEmpty();
        // The provider tells the app, which audits it: a failed sign-in is on record.
        assertThat(audit.find(new AuditFilter(null, null, null, "sign-in", "FAILURE", null, null, null), null, 10))
                .anySatisfy(entry -> assertThat(entry.details()).contains("wrong password", "\"admin\""));
    }

    @org.springframework.beans.factory.annotation.Autowired
    AuditLog audit;

    @Test
    void aTeamLeadSeesTheirTeamsTillersOnly() {
        browser.get("http://127.0.0.1:" + port + "/");
        signIn("payments-lead", "warden-payments");

        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=tiller-count]"), "1"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=signed-in-role]")).getText())
                .isEqualTo("Team lead · payments");
        assertThat(browser.findElements(By.cssSelector("[data-testid=tillers] tbody tr")))
                .extracting(row -> row.getAttribute("data-tiller"))
                .containsExactly("prod-eu/payments-tiller/tiller-deploy");
        // Only the cluster where the team owns namespaces, and nothing of search's or the unowned Tillers.
        assertThat(browser.findElements(By.cssSelector("[data-testid=clusters] tbody tr"))).hasSize(1);
        assertThat(browser.getPageSource()).doesNotContain("search-tiller", "kube-system/tiller-deploy");
        Browser.screenshot(browser, "fleet-team-lead");

        browser.findElement(By.cssSelector("[data-testid=team-link]")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=team-title]"), "Team Payments"));
        Browser.screenshot(browser, "team");

        browser.get("http://127.0.0.1:" + port + "/api/inventory");
        assertThat(browser.getPageSource()).contains("payments-tiller").doesNotContain("search-tiller", "ci-tiller");
    }

    @Test
    void anAuditorSeesTheWholeFleet() {
        browser.get("http://127.0.0.1:" + port + "/");
        signIn("auditor", "warden-auditor");
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=tiller-count]"), "5"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=signed-in-role]")).getText()).isEqualTo("Auditor");

        // The auditor's own sign-in is in the audit log, and the whole chain verifies.
        browser.findElement(By.cssSelector("[data-testid=audit-link]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=audit-entries]")));
        assertThat(browser.findElements(By.cssSelector("[data-testid=audit-entries] tbody tr[data-action=sign-in]")))
                .anySatisfy(row -> assertThat(row.getText()).contains("Ada Auditor", "AUDITOR", "SUCCESS"));
        browser.findElement(By.cssSelector("[data-testid=verify]")).click();
        wait.until(ExpectedConditions.textMatches(By.cssSelector("[data-testid=verification]"),
                java.util.regex.Pattern.compile("^Chain verified: all \\d+ entries match(, and reach 1 signed checkpoint"
                        + " \\(newest: entry [1-9]\\d*\\))?$")));
        assertThat(browser.getCurrentUrl()).as("post/redirect/get: a reload verifies nothing").endsWith("/audit");
        Browser.screenshot(browser, "audit");
    }

    @Test
    void someoneWithoutARoleIsToldSoAndSeesNothing() {
        browser.get("http://127.0.0.1:" + port + "/");
        signIn("visitor", "warden-visitor");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=no-access]")));
        assertThat(browser.getPageSource()).doesNotContain("tiller-deploy", "Production EU");
        browser.get("http://127.0.0.1:" + port + "/api/inventory");
        assertThat(browser.getPageSource()).doesNotContain("tiller-deploy");
    }

    private void signIn(String username, String password) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
    }
}
