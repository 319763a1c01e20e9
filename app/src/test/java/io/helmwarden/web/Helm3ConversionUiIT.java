package io.helmwarden.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.helmwarden.support.Browser;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Leaving Helm 2 as a platform admin does it in the demo, in Chromium: from the Tiller's page to the conversion's
 * preview (every Helm 3 Secret it writes), the typed confirmation, the run, the Fleet page's way out moving, and the
 * undo bringing it back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "helmwarden.demo.idp.port=0",
        "spring.datasource.url=jdbc:h2:mem:helm3-conversion-ui;DB_CLOSE_DELAY=-1"})
@ActiveProfiles("demo")
class Helm3ConversionUiIT {

    static final String TILLER = "prod-eu/payments-tiller/tiller-deploy";

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
    void anAdminConvertsATillersReleasesSeesTheWayOutMoveAndUndoesIt() {
        browser.get("http://127.0.0.1:" + port + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("warden-admin");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("h1"), "Fleet"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=way-out-clusters] [data-cluster='Production EU']")));
        // Production EU: Tillers left, releases on Helm 2, converted by Helm Warden, Helm 3 releases.
        String before = wayOut();
        assertThat(before).matches("Production EU 3 \\d+ 0 0");
        int helm2 = Integer.parseInt(before.split(" ")[3]);

        browser.get("http://127.0.0.1:" + port + "/tillers/" + TILLER);
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid=convert-releases]"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=conversion]")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Convert releases to Helm 3\non " + TILLER);
        assertThat(browser.findElement(By.cssSelector("[data-testid=breadcrumbs]")).getText())
                .isEqualTo("Fleet › prod-eu › payments-tiller/tiller-deploy › Convert releases to Helm 3");
        var cards = browser.findElements(By.cssSelector("[data-testid=conversion-release-card]"));
        assertThat(cards).extracting(card -> card.getAttribute("data-release"))
                .containsExactly("payments-api", "payments-api-canary", "payments-db");
        int secrets = browser.findElements(By.cssSelector("[data-testid=conversion-secret]")).size();
        assertThat(secrets).isPositive();
        assertThat(browser.findElement(By.cssSelector("[data-testid=conversion-secret]")).getText())
                .matches("payments-\\S+ sh\\.helm\\.release\\.v1\\.payments-api\\.v1 \\S+ [0-9,]+ bytes");
        assertThat(browser.getPageSource()).doesNotContain("hunter2", "password:");
        Browser.screenshot(browser, "conversion-preview");

        browser.findElement(By.cssSelector("[data-testid=accept]")).click();
        browser.findElement(By.cssSelector("[data-testid=confirm]")).sendKeys(TILLER);
        browser.findElement(By.cssSelector("[data-testid=run-remediation]")).click();
        wait.until(ExpectedConditions.textMatches(By.cssSelector("[data-testid=run-state] .badge"), Pattern.compile("DONE|FAILED")));
        assertThat(browser.findElement(By.cssSelector("[data-testid=run-state]")).getText()).contains("DONE");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=converted]")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Converting releases to Helm 3\non " + TILLER);
        assertThat(browser.findElements(By.cssSelector("[data-testid=converted] tbody tr"))).hasSize(secrets);
        assertThat(browser.findElement(By.cssSelector("[data-testid=run-steps]")).getText())
                .contains(secrets + " Helm 3 records written", "read back", "OWNER=HELM-WARDEN-CONVERTED");
        Browser.screenshot(browser, "conversion-run");
        String runPage = browser.getCurrentUrl();

        browser.get("http://127.0.0.1:" + port + "/");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=way-out-clusters] [data-cluster='Production EU']")));
        assertThat(wayOut()).isEqualTo("Production EU 3 " + (helm2 - 3) + " 3 3");

        browser.get(runPage);
        browser.findElement(By.cssSelector("[data-testid=undo-confirm]")).sendKeys(TILLER);
        browser.findElement(By.cssSelector("[data-testid=undo-conversion]")).click();
        wait.until(ExpectedConditions.textMatches(By.cssSelector("[data-testid=run-state] .badge"), Pattern.compile("DONE|FAILED")));
        assertThat(browser.findElement(By.cssSelector("[data-testid=run-state]")).getText()).contains("DONE");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Undoing a conversion to Helm 3\non " + TILLER);
        assertThat(browser.findElement(By.cssSelector("[data-testid=run-steps]")).getText())
                .contains(secrets + " Helm 3 records removed", "Helm 2 records are Tiller's again");

        browser.get("http://127.0.0.1:" + port + "/");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=way-out-clusters] [data-cluster='Production EU']")));
        wait.until(driver -> wayOut().equals(before));
        assertThat(browser.findElement(By.cssSelector("[data-testid=way-out-summary]")).getText())
                .contains("releases still on Helm 2", "converted to Helm 3", "Helm 3 releases");
        Browser.screenshotAt(browser, "fleet-way-out", By.cssSelector("[data-testid=way-out]"));
    }

    private String wayOut() {
        return browser.findElement(By.cssSelector("[data-testid=way-out-clusters] [data-cluster='Production EU']"))
                .getText().replaceAll("\\s+", " ").replaceAll(" Earliest.*| \\d+ on Helm 2.*| not recorded yet", "").strip();
    }
}
