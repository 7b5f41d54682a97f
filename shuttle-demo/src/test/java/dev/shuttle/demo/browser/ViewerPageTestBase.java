package dev.shuttle.demo.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.receiver.viewer.ViewerConfig;
import dev.shuttle.receiver.viewer.ViewerServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The set-up of the viewer page's browser tests: one headless Chromium per test class, and per test
 * a fresh {@link TelemetryStore} with a real {@link ViewerServer} on an ephemeral loopback port.
 * After every test the browser's console must hold no warning and no error, which is where Chromium
 * reports a Content-Security-Policy violation, a script error or a failed request.
 *
 * <p>Not thread-safe: JUnit runs one test of a class at a time here.
 */
abstract class ViewerPageTestBase {
  static Browser browser;

  TelemetryStore store;
  ViewerServer viewer;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Predicate<String> expectedConsole = message -> false;

  @BeforeAll
  static void startBrowser() throws IOException {
    browser = Browser.start(1400, 900);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void startViewer() throws IOException {
    store = TelemetryStore.create();
    viewer = ViewerServer.start(store, ViewerConfig.builder().port(0).build());
  }

  @AfterEach
  void nothingBlockedNorFailed() {
    try {
      List<String> problems = new ArrayList<>();
      List<String> csp = new ArrayList<>();
      for (LogEntry entry : browser.consoleLog()) {
        String message = entry.getMessage();
        if (message.contains("Content Security Policy")) {
          csp.add(message);
        }
        if (entry.getLevel().intValue() >= Level.WARNING.intValue()
            && !expectedConsole.test(message)) {
          problems.add(entry.getLevel() + " " + message);
        }
      }
      assertThat(csp).as("Content-Security-Policy violations").isEmpty();
      assertThat(problems).as("console warnings and errors").isEmpty();
    } finally {
      // leave the page before its server goes, so that the next test's log starts clean
      driver().get("about:blank");
      viewer.close();
      browser.consoleLog();
    }
  }

  /** Lets the console hold warnings or errors that match, in this test only. */
  void expectConsole(Predicate<String> message) {
    expectedConsole = message;
  }

  static WebDriver driver() {
    return browser.driver();
  }

  static WebDriverWait waiting() {
    return new WebDriverWait(driver(), Duration.ofSeconds(10));
  }

  /** Waits until exactly {@code count} elements have the test id, and returns them. */
  static List<WebElement> waitFor(String testid, int count) {
    By by = By.cssSelector("[data-testid='" + testid + "']");
    waiting().until(d -> d.findElements(by).size() == count);
    return driver().findElements(by);
  }

  /** Waits for an element with the test id, and returns the first. */
  static WebElement one(String testid) {
    By by = By.cssSelector("[data-testid='" + testid + "']");
    return waiting().until(d -> d.findElements(by).stream().findFirst().orElse(null));
  }

  /** The span bar of a span. */
  static WebElement bar(String spanId) {
    return driver()
        .findElement(By.cssSelector("[data-testid='span-bar'][data-span-id='" + spanId + "']"));
  }

  /** Opens a path of the viewer, such as {@code /trace/<id>}. */
  void open(String path) {
    driver().get(viewer.url() + path);
  }

  /** The viewer API's answer to a GET, such as {@code /api/traces/<id>}. */
  JsonObject api(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(viewer.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  /** The spans of {@code /api/traces/{traceId}}, in the answer's (tree) order. */
  List<JsonObject> spans(JsonObject trace) {
    List<JsonObject> spans = new ArrayList<>();
    for (JsonElement span : trace.getAsJsonArray("spans")) {
      spans.add(span.getAsJsonObject());
    }
    return spans;
  }

  /** The one span of {@code spans} named {@code name}. */
  static JsonObject named(List<JsonObject> spans, String name) {
    List<JsonObject> found =
        spans.stream().filter(s -> s.get("name").getAsString().equals(name)).toList();
    assertThat(found).as("spans named " + name).hasSize(1);
    return found.getFirst();
  }

  HttpClient http() {
    return http;
  }
}
