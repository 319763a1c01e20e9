package io.helmwarden.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium driven by Debian's chromedriver: nothing is downloaded. */
public final class Browser {

    private Browser() {
    }

    public static WebDriver start() {
        return start(1400, 900);
    }

    /** A browser whose window is this wide and high (a desktop, or a phone's 390 × 844), keeping console logs. */
    public static WebDriver start(int width, int height) {
        Path profile;
        try {
            profile = Files.createTempDirectory("helm-warden-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .build();
        var driver = new ChromeDriver(service, options);
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        return driver;
    }

    /** What the page logged to the console at level SEVERE (script errors, CSP violations, failed loads). */
    public static java.util.List<String> consoleErrors(WebDriver driver) {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(entry -> entry.getMessage()).toList();
    }

    /** Lets the headless browser save downloads into this directory (it refuses them otherwise). */
    public static void downloadsTo(WebDriver driver, Path directory) {
        ((ChromeDriver) driver).executeCdpCommand("Browser.setDownloadBehavior",
                java.util.Map.of("behavior", "allow", "downloadPath", directory.toAbsolutePath().toString()));
    }

    /**
     * Saves what the browser shows under target/screenshots, for people and for the README: from the top of the
     * page, as a person arriving sees it (a click earlier in the test may have scrolled it).
     */
    public static Path screenshot(WebDriver driver, String name) {
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
        return save(driver, name);
    }

    /** The page scrolled so that this element starts at the top of the window, as a person scrolls to it. */
    public static Path screenshotAt(WebDriver driver, String name, org.openqa.selenium.By element) {
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -16);", driver.findElement(element));
        return save(driver, name);
    }

    private static Path save(WebDriver driver, String name) {
        try {
            Path target = Path.of("target", "screenshots", name + ".png");
            Files.createDirectories(target.getParent());
            Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
