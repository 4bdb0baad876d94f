package io.wstest.testsupport;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * The system's Chromium (Debian chromium + chromium-driver) in headless mode, driven by Selenium. Both paths are
 * given explicitly so Selenium Manager never looks for (or downloads) a browser or driver; failsafe also sets
 * SE_OFFLINE. Tests skip with {@link #INSTALL_HINT} when either binary is missing. Closing it quits this
 * browser and its chromedriver only.
 */
public final class HeadlessChromium implements AutoCloseable {

  public static final Path BROWSER = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  public static final String INSTALL_HINT = "chromium and chromedriver are not installed at " + BROWSER + " and "
    + DRIVER + ": apt-get install -y chromium chromium-driver (CI's .ci/run does)";

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path profile;

  private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  public static boolean available() {
    return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
  }

  /** Starts chromedriver and a fresh headless browser with an empty profile and its console log captured. */
  public static HeadlessChromium start() {
    if (!available()) {
      throw new IllegalStateException(INSTALL_HINT);
    }
    System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
    try {
      Path profile = Files.createTempDirectory("wstest-chromium-");
      Path logs = Files.createDirectories(Path.of("target", "it-logs"));
      ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(logs.resolve("chromedriver-" + ProcessHandle.current().pid() + ".log").toFile())
        .build();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(BROWSER.toFile());
      options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile);
      LoggingPreferences logging = new LoggingPreferences();
      logging.enable(LogType.BROWSER, Level.ALL);
      options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
      ChromeDriver driver = new ChromeDriver(service, options);
      return new HeadlessChromium(service, driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public WebDriver driver() {
    return driver;
  }

  /**
   * A wait that retries when an element goes stale: the dashboard re-renders its lists on every update, so an
   * element found a moment ago can be replaced before its attributes are read.
   */
  public WebDriverWait waitUpTo(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(driver, timeout);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  public Object script(String javascript, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(javascript, args);
  }

  /** Console messages at error level since the last call (reading drains the browser's buffer). */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
      .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
      .map(LogEntry::toString)
      .toList();
  }

  /** Saves a screenshot of the whole page, below the fold too (Chromium's own capture), as target/screenshots/NAME.png. */
  public Path screenshot(String name) {
    @SuppressWarnings("unchecked")
    Map<String, Object> page = (Map<String, Object>) script("const e = document.documentElement;"
      + " return {width: e.scrollWidth, height: e.scrollHeight};");
    Map<String, Object> clip = Map.of("x", 0, "y", 0, "scale", 1,
      "width", ((Number) page.get("width")).intValue(), "height", ((Number) page.get("height")).intValue());
    Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
      Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
    try {
      Path dir = Files.createDirectories(Path.of("target", "screenshots"));
      Path file = dir.resolve(name + ".png");
      Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteQuietly(profile);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp profile is harmless
    }
  }
}
