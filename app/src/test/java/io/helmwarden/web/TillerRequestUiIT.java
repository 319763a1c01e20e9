package io.helmwarden.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helmwarden.support.Browser;
import io.helmwarden.support.kube.RealApiServerCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * A Tiller request end to end in a real browser, provisioned on the real API server: the search lead asks,
 * the admin rejects with a comment, the lead asks again and withdraws, asks once more, the admin approves
 * with the plan in view, provisioning completes, the new Tiller is in the fleet with nothing but the Helm 2
 * end-of-life notice, and the lead downloads a client certificate bundle.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "helmwarden.demo.idp.port=0",
        "spring.datasource.url=jdbc:h2:mem:tiller-request-ui;DB_CLOSE_DELAY=-1",
        "helmwarden.teams[0].id=search",
        "helmwarden.teams[0].display-name=Search",
        "helmwarden.teams[0].member-groups=team-search",
        "helmwarden.teams[0].lead-groups=team-search-leads",
        "helmwarden.teams[0].namespaces.prod-eu=search-tiller,search",
        "helmwarden.teams[0].namespaces.real=search-requested-tiller,search-web",
        // Not search-tiller: the demo fleet's fixtures use that name on the shared API server.
        "helmwarden.provisioning.tiller-namespace-pattern={team}-requested-tiller"})
@ActiveProfiles("demo")
@Import(RealApiServerCluster.class)
class TillerRequestUiIT {

    @LocalServerPort
    int port;

    @Test
    void aLeadRequestsAnAdminApprovesAndTheLeadGetsACertificate() throws Exception {
        String first = asSearchLead(browser -> submit(browser, "first try"));
        as("admin", "warden-admin", browser -> {
            browser.get(url("/tiller-requests/" + first));
            browser.findElement(By.cssSelector("[data-testid=reject-comment]")).sendKeys("name the web namespace's owner first");
            browser.findElement(By.cssSelector("[data-testid=reject]")).click();
            wait(browser).until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=request-state]"), "REJECTED"));
            return null;
        });
        asSearchLead(browser -> {
            browser.get(url("/tiller-requests/" + first));
            assertThat(browser.findElement(By.cssSelector("[data-testid=history]")).getText())
                    .contains("REJECTED by admin: name the web namespace's owner first");
            String second = submit(browser, "second try");
            browser.findElement(By.cssSelector("[data-testid=withdraw]")).click();
            wait(browser).until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=request-state]"), "WITHDRAWN"));
            return second;
        });
        String third = asSearchLead(browser -> submit(browser, "our search front end"));

        as("admin", "warden-admin", browser -> {
            browser.get(url("/tiller-requests"));
            assertThat(browser.findElement(By.cssSelector("[data-testid=requests] tbody tr")).getText()).contains("SUBMITTED");
            browser.get(url("/tiller-requests/" + third));
            assertThat(browser.findElement(By.cssSelector("[data-testid=plan]")).getText())
                    .contains("--storage=secret", "--listen=127.0.0.1:44134", "list pods, create pods/portforward");
            Browser.screenshot(browser, "tiller-request-approval");
            browser.findElement(By.cssSelector("[data-testid=approve]")).click();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                browser.navigate().refresh();
                return browser.findElement(By.cssSelector("[data-testid=request-state]")).getText().equals("READY");
            });
            browser.get(url("/tillers/real/search-requested-tiller/tiller-deploy"));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                browser.navigate().refresh();
                // The run ends once its last object is written; the watches see it a moment later.
                var score = browser.findElements(By.cssSelector("[data-testid=tiller-score]"));
                return score.size() == 1 && score.get(0).getText().equals("100");
            });
            assertThat(browser.getPageSource()).contains("Helm 2 is end-of-life").doesNotContain("plaintext");
            assertThat(browser.findElement(By.cssSelector("[data-testid=tiller-score]")).getText()).isEqualTo("100");
            Browser.screenshot(browser, "provisioned-tiller");
            return null;
        });

        Path downloads = Files.createTempDirectory("helm-warden-downloads");
        asSearchLead(browser -> {
            Browser.downloadsTo(browser, downloads);
            browser.get(url("/tiller-requests/" + third));
            browser.findElement(By.cssSelector("[data-testid=get-certificate]")).click();
            Browser.screenshot(browser, "client-certificates");
            browser.findElement(By.cssSelector("[data-testid=generate-bundle]")).click();
            Path zip = downloads.resolve("real-search-requested-tiller-tiller-deploy-client-certificate.zip");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(zip) && Files.size(zip) > 0);
            try (var file = new ZipFile(zip.toFile())) {
                assertThat(file.stream().map(entry -> entry.getName()).toList())
                        .containsExactlyInAnyOrder("client.crt", "client.key", "ca.crt", "README.txt");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
    }

    private String submit(WebDriver browser, String why) {
        browser.get(url("/tiller-requests/new"));
        new Select(browser.findElement(By.cssSelector("[data-testid=cluster]"))).selectByValue("real");
        browser.findElement(By.cssSelector("[data-testid=namespaces]")).sendKeys("search-web");
        browser.findElement(By.cssSelector("[data-testid=justification]")).sendKeys(why);
        browser.findElement(By.cssSelector("[data-testid=submit-request]")).click();
        wait(browser).until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=request-state]"), "SUBMITTED"));
        String path = browser.getCurrentUrl();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private <T> T asSearchLead(java.util.function.Function<WebDriver, T> steps) {
        return as("search-lead", "warden-search", steps);
    }

    /** A browser of its own per person, signed in through the demo provider. */
    private <T> T as(String username, String password, java.util.function.Function<WebDriver, T> steps) {
        WebDriver browser = Browser.start();
        try {
            browser.get("http://localhost:" + port + "/");
            wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            browser.findElement(By.id("username")).sendKeys(username);
            browser.findElement(By.id("password")).sendKeys(password);
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            wait(browser).until(ExpectedConditions.textToBe(By.cssSelector("h1"), "Fleet"));
            return steps.apply(browser);
        } finally {
            browser.quit();
        }
    }

    private static WebDriverWait wait(WebDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }
}
