package io.wstest.server;

import io.vertx.core.json.JsonObject;
import io.wstest.protocol.CloseCodes;
import io.wstest.testsupport.Backend;
import io.wstest.testsupport.HeadlessChromium;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.NginxProcess;
import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real headless Chromium against the real fat jar: three service processes, and the same
 * three behind a real nginx (round robin) for the distribution chart. Waits are Selenium's bounded
 * WebDriverWaits on the DOM (the browser has no event a test could subscribe to).
 */
class DashboardIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final List<ServiceProcess> services = new ArrayList<>();
  private static final List<JsonObject> identities = new ArrayList<>();
  private static final List<String> instanceIds = new ArrayList<>();
  private static HeadlessChromium chromium;
  private static LoadBalancerProcess nginx;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(HeadlessChromium.available(), HeadlessChromium.INSTALL_HINT);
    for (String pod : List.of("dash-a", "dash-b", "dash-c")) {
      ServiceProcess service = ServiceProcess.builder().podName(pod).start();
      services.add(service);
      JsonObject identity = health(service.httpPort(), "/health").getJsonObject("service_identity");
      identities.add(identity);
      instanceIds.add(identity.getString("instance_id"));
    }
    if (NginxProcess.available()) {
      nginx = NginxProcess.start(services.stream().map(s -> Backend.of("s" + s.httpPort(), s)).toList(),
        NginxProcess.ROUND_ROBIN, "3600s");
    }
    chromium = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (nginx != null) {
      nginx.close();
    }
    services.forEach(ServiceProcess::close);
  }

  @AfterEach
  void noConsoleErrors() {
    if (chromium != null) {
      assertEquals(List.of(), chromium.consoleErrors(), "browser console errors");
    }
  }

  @Test
  void browserAtRootIsSentToThePageWhichShowsTheInstanceAndPingRoundTrip() throws Exception {
    ServiceProcess service = services.get(0);
    WebDriver driver = chromium.driver();
    // A browser navigating to / asks for text/html and lands on the dashboard...
    driver.get(base(service) + "/");
    assertTrue(driver.getCurrentUrl().endsWith("/ui/"), driver.getCurrentUrl());
    awaitText("instance-id", instanceIds.get(0));
    assertEquals("dash-a", text("pod-name"));
    assertEquals("websocket-test-service-dash-a", text("display-name"));
    assertEquals(identities.get(0).getString("environment"), text("environment"));
    assertEquals("127.0.0.1", text("client-ip"));
    assertEquals("none (direct connection)", text("forwarded-for"));
    assertEquals("connected", text("conn-status"));
    // ...while curl-style clients keep the JSON at /.
    assertEquals("healthy", health(service.httpPort(), "/").getString("status"));

    click("ping");
    pageWait().until(ExpectedConditions.textMatches(By.id("ping-rtt"), Pattern.compile("\\d+\\.\\d ms")));
    // The live stats come from {"type":"info"} on the page's socket: at least the page's own socket is open.
    pageWait().until(ExpectedConditions.textMatches(By.id("stats-total"), Pattern.compile("[1-9]\\d*")));
    // Started without REDIS_URL: the server-side view says clustering is off (ClusterIT shows it on).
    pageWait().until(ExpectedConditions.attributeToBe(By.id("cluster-summary"), "data-status", "disabled"));

    type("message", "hello, dashboard");
    click("echo");
    awaitText("last-echo", "hello, dashboard");
    assertTrue(logTypes().containsAll(List.of("welcome", "pong", "echo")), logTypes().toString());
  }

  @Test
  void uiWithoutSlashRedirectsToThePage() {
    WebDriver driver = chromium.driver();
    driver.get(base(services.get(1)) + "/ui");
    assertTrue(driver.getCurrentUrl().endsWith("/ui/"), driver.getCurrentUrl());
    awaitText("instance-id", instanceIds.get(1));
  }

  @Test
  void broadcastContainingMarkupIsShownAsText() {
    WebDriver driver = chromium.driver();
    driver.get(base(services.get(2)) + "/ui/");
    awaitText("instance-id", instanceIds.get(2));
    String payload = "<script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\"><b>bold</b>";
    type("message", payload);
    click("broadcast");
    awaitText("last-broadcast", payload);
    pageWait().until(ExpectedConditions.textToBePresentInElementLocated(By.id("broadcast-recipients"), "1 socket"));
    assertEquals(Boolean.TRUE, chromium.script("return window.__xss === undefined"));
    assertEquals(List.of(), driver.findElements(By.cssSelector("#log script, #log img, #log b, #last-broadcast *")));
    WebElement entry = driver.findElement(By.cssSelector("#log li[data-type='broadcast']"));
    // The log shows the raw JSON, where the payload's quotes are escaped.
    assertTrue(entry.getText().contains("<script>window.__xss = 1</script><img src=x onerror="), entry.getText());
  }

  @Test
  void serverClosingTheSocketShowsBannerAndReconnectGoesToTheTypedUrl() throws Exception {
    ServiceProcess service = services.get(0);
    WebDriver driver = chromium.driver();
    driver.get(base(service) + "/ui/");
    awaitText("instance-id", instanceIds.get(0));
    assertTrue(driver.findElements(By.cssSelector("#close-banner:not([hidden])")).isEmpty());

    // The operator's drain (what SIGTERM does after DRAIN_DELAY, without a timing race against the process exit):
    // every socket gets the shutdown message and a close 1001 now; the answer comes once all of them are closed.
    JsonObject drained = post(service.httpPort(), "/admin/drain");
    assertEquals(1001, drained.getInteger("code"), drained.encode());
    assertTrue(drained.getInteger("closed") >= 1, drained.encode());
    WebElement banner = pageWait().until(ExpectedConditions.visibilityOfElementLocated(By.id("close-banner")));
    assertTrue(banner.getText().contains("Close code 1001 (Going Away) — reason: “"
      + CloseCodes.reason(CloseCodes.GOING_AWAY) + "”."), banner.getText());
    assertEquals("closed 1001", text("conn-status"));
    assertTrue(logTypes().contains("shutdown"), "the shutdown message arrived before the close: " + logTypes());
    chromium.screenshot("dashboard-closed");

    // Reconnect uses whatever URL is typed: here another replica's raw WebSocket server (the 8765 side).
    type("ws-url", "ws://127.0.0.1:" + services.get(1).wsPort() + "/");
    click("reconnect");
    pageWait().until(ExpectedConditions.invisibilityOfElementLocated(By.id("close-banner")));
    awaitText("instance-id", instanceIds.get(1));
    awaitText("server-kind", "raw WebSocket server (8765)");
    awaitText("conn-status", "connected");
  }

  @Test
  void openNConnectionsThroughNginxChartsThreeInstances() {
    WebDriver driver = openThroughNginx();
    // nginx adds the page's address to X-Forwarded-For; the welcome shows the chain.
    assertEquals("127.0.0.1", text("forwarded-for"));

    int n = 30;
    type("pool-size", Integer.toString(n));
    assertEquals("Open 30 connections", text("open-pool"));
    click("open-pool");
    pageWait().until(ExpectedConditions.attributeToBe(By.id("pool-summary"), "data-landed", Integer.toString(n)));

    List<WebElement> bars = driver.findElements(By.cssSelector("[data-testid='bar']"));
    assertEquals(3, bars.size(), "one bar per service process");
    Set<String> barInstances = new HashSet<>();
    int sum = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (WebElement bar : bars) {
      barInstances.add(bar.getAttribute("data-instance-id"));
      int count = Integer.parseInt(bar.findElement(By.cssSelector("[data-testid='bar-count']")).getText());
      assertEquals(String.format(Locale.ROOT, "%.1f%%", 100.0 * count / n),
        bar.findElement(By.cssSelector("[data-testid='bar-percent']")).getText());
      sum += count;
      min = Math.min(min, count);
      max = Math.max(max, count);
    }
    assertEquals(Set.copyOf(instanceIds), barInstances);
    assertEquals(n, sum);
    // Round robin hands consecutive connections to the next server in turn.
    assertTrue(max - min <= 1, "round robin spread: min " + min + ", max " + max);
    assertEquals(Integer.toString(n), driver.findElement(By.id("pool-summary")).getAttribute("data-open"));

    // Fill the rest of the page for the screenshot the README shows.
    click("ping");
    pageWait().until(ExpectedConditions.textMatches(By.id("ping-rtt"), Pattern.compile("\\d+\\.\\d ms")));
    type("message", "hello from the dashboard");
    click("broadcast");
    awaitText("last-broadcast", "hello from the dashboard");
    pageWait().until(ExpectedConditions.textMatches(By.id("stats-total"), Pattern.compile("[1-9]\\d*")));
    Path shot = chromium.screenshot("dashboard");
    assertTrue(isPng(shot), shot + " is not a PNG");

    click("close-pool");
    pageWait().until(ExpectedConditions.attributeToBe(By.id("pool-summary"), "data-open", "0"));
    // The server agrees: its info count (polled every 2 s) is back to the page's own socket.
    awaitText("stats-total", "1");
    assertEquals(n, driver.findElements(By.cssSelector("[data-testid='bar-count']")).stream()
      .mapToInt(e -> Integer.parseInt(e.getText())).sum(), "the chart keeps the last result after Close all");
  }

  @Test
  void withoutKeepOpenEachSocketClosesAfterItsWelcomeAndAllAreCounted() {
    WebDriver driver = openThroughNginx();
    int n = 90;
    type("pool-size", Integer.toString(n));
    click("pool-keep-open");
    click("open-pool");
    pageWait().until(ExpectedConditions.attributeToBe(By.id("pool-summary"), "data-landed", Integer.toString(n)));
    WebElement summary = driver.findElement(By.id("pool-summary"));
    pageWait().until(ExpectedConditions.attributeToBe(summary, "data-open", "0"));
    assertEquals("0", summary.getAttribute("data-failed"));
    List<Integer> counts = driver.findElements(By.cssSelector("[data-testid='bar-count']")).stream()
      .map(e -> Integer.parseInt(e.getText())).toList();
    assertEquals(3, counts.size(), counts.toString());
    assertEquals(n, counts.stream().mapToInt(Integer::intValue).sum());
  }

  /** The page as served by nginx, its socket connected through nginx to one of the three replicas. */
  private static WebDriver openThroughNginx() {
    Assumptions.assumeTrue(nginx != null, NginxProcess.INSTALL_HINT);
    WebDriver driver = chromium.driver();
    driver.get("http://127.0.0.1:" + nginx.httpPort() + "/ui/");
    pageWait().until(d -> instanceIds.contains(text("instance-id")));
    return driver;
  }

  private static boolean isPng(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
    } catch (IOException e) {
      return false;
    }
  }

  private static String base(ServiceProcess service) {
    return "http://127.0.0.1:" + service.httpPort();
  }

  /** An operator toggle: POST without a body, answered 202 with the new state as JSON. */
  private static JsonObject post(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).POST(HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(10)).build(),
      HttpResponse.BodyHandlers.ofString());
    assertEquals(202, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  @Test
  void aBrowserSubprotocolIsSelectedAndTheRequestPanelShowsWhatTheServerSaw() {
    ServiceProcess service = services.get(0);
    WebDriver driver = chromium.driver();
    driver.get(base(service) + "/ui/");
    awaitText("instance-id", instanceIds.get(0));
    // what any browser app does: new WebSocket(url, ['graphql-ws']); the default SUBPROTOCOLS=* selects it
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> opened = (java.util.Map<String, Object>) ((org.openqa.selenium.JavascriptExecutor) driver)
      .executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "const ws = new WebSocket(arguments[0], ['graphql-ws']);"
        + "ws.onmessage = (e) => { const m = JSON.parse(e.data);"
        + "  done({browser: ws.protocol, welcome: m.subprotocol, offered: m.subprotocols_offered}); ws.close(); };"
        + "ws.onclose = (e) => done({closed: e.code});", "ws://127.0.0.1:" + service.httpPort() + "/ws");
    assertEquals("graphql-ws", opened.get("browser"), opened.toString());
    assertEquals("graphql-ws", opened.get("welcome"), opened.toString());
    assertEquals(List.of("graphql-ws"), opened.get("offered"));

    type("ws-protocols", "graphql-ws, chat");
    click("connect");
    awaitText("req-subprotocol", "graphql-ws (offered: graphql-ws, chat); browser: graphql-ws");
    assertTrue(text("req-line").matches("GET /ws HTTP/1\\.1"), text("req-line"));
    assertEquals("ws", text("req-scheme"));
    assertEquals("none", text("req-proxy"));
    assertTrue(text("req-tls").startsWith("none"), text("req-tls"));
    List<String> rows = driver.findElements(By.cssSelector("#req-headers tr")).stream().map(WebElement::getText)
      .toList();
    assertTrue(rows.stream().anyMatch(r -> r.startsWith("Sec-WebSocket-Protocol") && r.endsWith("graphql-ws, chat")),
      rows.toString());
    assertTrue(rows.stream().anyMatch(r -> r.startsWith("User-Agent")), rows.toString());
    type("ws-protocols", "");
    click("connect");
    awaitText("req-subprotocol", "none selected (none offered)");
  }

  /** GET with curl's Accept header; the body must be the health JSON. */
  private static JsonObject health(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Accept", "*/*")
        .timeout(Duration.ofSeconds(10)).build(),
      HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    return new JsonObject(response.body());
  }

  private static WebDriverWait pageWait() {
    return chromium.waitUpTo(WAIT);
  }

  private static void awaitText(String id, String expected) {
    pageWait().until(ExpectedConditions.textToBe(By.id(id), expected));
  }

  private static String text(String id) {
    return chromium.driver().findElement(By.id(id)).getText();
  }

  private static void click(String id) {
    chromium.driver().findElement(By.id(id)).click();
  }

  private static void type(String id, String value) {
    WebElement input = chromium.driver().findElement(By.id(id));
    input.clear();
    input.sendKeys(value);
  }

  private static List<String> logTypes() {
    return chromium.driver().findElements(By.cssSelector("#log li")).stream()
      .map(e -> e.getAttribute("data-type")).toList();
  }
}
