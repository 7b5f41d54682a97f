package dev.shuttle.receiver.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer page in headless Chromium against {@link FixtureServer}: the list and its filters, the
 * waterfall's order, nesting and concurrency insight, lanes, links across traces, hostile strings
 * shown as text, the metrics charts, live updates, and not one Content-Security-Policy violation or
 * console error. Skipped where Chromium and chromedriver are not installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ViewerPageTest {
  private static final String CHROMIUM = System.getProperty("viewer.chromium", "/usr/bin/chromium");
  private static final String CHROMEDRIVER =
      System.getProperty("viewer.chromedriver", "/usr/bin/chromedriver");
  private static final String FAN_OUT = "d2d372245005e26ca141f2b84c39d819";
  private static final String POOL = "3e250e05c8625d82b3606aacdbcf4fb5";
  private static final String HOSTILE = "4842febcfd17fa4a818d879d06b2cb14";
  private static final String PRODUCER = "aa9b71dbb04a7bdbf7d751e09a35dbf1";
  private static final String CONSUMER = "6f958caf43a243aa887bf89ad0699c19";

  private static FixtureServer server;
  private static WebDriver driver;
  private static Path profile;

  @BeforeAll
  static void startBrowser() throws IOException {
    assumeTrue(
        Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
        "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    server = FixtureServer.start(true);
    driver = chrome();
  }

  /** Headless Chromium through the installed chromedriver: nothing is downloaded. */
  static WebDriver chrome() throws IOException {
    profile = Files.createTempDirectory("viewer-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,900",
        "--user-data-dir=" + profile);
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  @AfterAll
  static void stopBrowser() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  @AfterEach
  void nothingBlockedNorFailed() {
    List<String> problems = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
        problems.add(entry.getMessage());
      }
    }
    assertThat(problems).as("console warnings and errors").isEmpty();
    assertThat(server.cspReports()).as("Content-Security-Policy violations").isEmpty();
    assertThat(server.requests())
        .as("every request is to the contract's paths")
        .allMatch(
            r ->
                r.matches("(GET|HEAD) /(|metrics|trace/[0-9a-f]{32})(\\?.*)?")
                    || r.matches("GET /(assets|api)/.+"));
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(driver, Duration.ofSeconds(10));
  }

  private static List<WebElement> waitFor(String testid, int count) {
    By by = By.cssSelector("[data-testid='" + testid + "']");
    long t = System.nanoTime();
    waiting().until(d -> d.findElements(by).size() == count);
    System.err.println("WAIT " + testid + " " + (System.nanoTime() - t) / 1_000_000 + " ms");
    return driver.findElements(by);
  }

  private static WebElement one(String testid) {
    By by = By.cssSelector("[data-testid='" + testid + "']");
    return waiting().until(d -> d.findElements(by).stream().findFirst().orElse(null));
  }

  private static void open(String path) {
    long t = System.nanoTime();
    driver.get(server.url() + path);
    System.err.println("OPEN " + path + " " + (System.nanoTime() - t) / 1_000_000 + " ms");
  }

  private static JsonObject fixture(String name) throws IOException {
    try (InputStream in =
        ViewerPageTest.class
            .getClassLoader()
            .getResourceAsStream(FixtureApi.FIXTURES + "traces/" + name + ".json")) {
      assertThat(in).isNotNull();
      return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .getAsJsonObject();
    }
  }

  private static List<JsonObject> spans(JsonObject trace) {
    List<JsonObject> spans = new ArrayList<>();
    for (JsonElement span : trace.getAsJsonArray("spans")) {
      spans.add(span.getAsJsonObject());
    }
    return spans;
  }

  @Test
  void listShowsEveryTraceNewestFirstAndGoesLive() {
    // given the fixtures' eight traces
    // when the list opens
    open("/");

    // then every trace is a row, newest first, and the event stream is open
    List<String> ids =
        waitFor("trace-row", 8).stream().map(row -> row.getAttribute("data-trace-id")).toList();
    assertThat(ids).containsExactlyElementsOf(server.traceIds());
    waiting().until(d -> "live".equals(one("connection").getAttribute("data-state")));
    assertThat(
            driver.findElements(
                By.cssSelector("[data-testid='trace-row'] [data-testid='error-mark']")))
        .hasSize(3);
  }

  @Test
  void filtersNarrowTheListAndLiveInTheUrl() {
    // given the list
    open("/");
    waitFor("trace-row", 8);

    // when errors only is ticked and a span name typed
    one("filter-errors-only").click();
    waitFor("trace-row", 3);
    one("filter-name").sendKeys("TASK");
    List<WebElement> rows = waitFor("trace-row", 1);

    // then one trace is left, the status select agrees, and the URL carries the filters
    assertThat(rows.getFirst().getAttribute("data-trace-id"))
        .isEqualTo("9107757a3b18f1f7720c40587ce77960");
    assertThat(new Select(one("filter-status")).getFirstSelectedOption().getAttribute("value"))
        .isEqualTo("error");
    assertThat(driver.getCurrentUrl()).contains("status=error").contains("name=TASK");

    // and opening that URL afresh restores the same list
    driver.get(driver.getCurrentUrl());
    waitFor("trace-row", 1);
    assertThat(one("filter-name").getAttribute("value")).isEqualTo("TASK");
    assertThat(one("filter-errors-only").isSelected()).isTrue();

    // and a service, a minimum duration and an attribute narrow it too
    open("/?service=order-service");
    assertThat(waitFor("trace-row", 1).getFirst().getAttribute("data-trace-id"))
        .isEqualTo(PRODUCER);
    open("/?minDurationMs=30");
    waitFor("trace-row", 2);
    open("/?attr=" + "job.outcome%3Dfailure");
    assertThat(waitFor("trace-row", 1).getFirst().getAttribute("data-trace-id")).isEqualTo(POOL);
  }

  @Test
  void clickingARowOpensItsWaterfall() {
    // given the list
    open("/");
    WebElement row =
        waitFor("trace-row", 8).stream()
            .filter(r -> FAN_OUT.equals(r.getAttribute("data-trace-id")))
            .findFirst()
            .orElseThrow();

    // when a row is clicked
    row.findElement(By.cssSelector("td.num")).click();

    // then its trace opens at /trace/<id>
    waitFor("span-bar", 12);
    assertThat(driver.getCurrentUrl()).endsWith("/trace/" + FAN_OUT);
    assertThat(one("trace-title").getText()).isEqualTo("fan-out-fan-in");
  }

  @Test
  void barsAreOrderedAndNestedAsTheSpans() throws IOException {
    // given the fan-out-fan-in trace: a root, fan-out, and three workers with children
    List<JsonObject> spans = spans(fixture(FAN_OUT));

    // when its waterfall opens
    open("/trace/" + FAN_OUT);
    List<WebElement> bars = waitFor("span-bar", spans.size());

    // then the bars are in the spans' order, at their depth, and each lies within its parent
    assertThat(bars.stream().map(b -> b.getAttribute("data-span-id")).toList())
        .containsExactlyElementsOf(spans.stream().map(s -> s.get("spanId").getAsString()).toList());
    assertThat(bars.stream().map(b -> b.getAttribute("data-depth")).toList())
        .containsExactlyElementsOf(spans.stream().map(s -> s.get("depth").getAsString()).toList());
    for (int i = 0; i < spans.size(); i++) {
      JsonElement parent = spans.get(i).get("parentSpanId");
      if (parent.isJsonNull()) {
        continue;
      }
      Rectangle child = bars.get(i).getRect();
      Rectangle outer =
          driver
              .findElement(
                  By.cssSelector(
                      "[data-testid='span-bar'][data-span-id='" + parent.getAsString() + "']"))
              .getRect();
      assertThat(child.getX()).isGreaterThanOrEqualTo(outer.getX() - 1);
      assertThat(child.getX() + child.getWidth())
          .isLessThanOrEqualTo(outer.getX() + outer.getWidth() + 1);
      assertThat(child.getY()).isGreaterThan(outer.getY());
    }
    // and the axis has tick labels
    assertThat(driver.findElements(By.cssSelector("[data-testid='axis-tick']")).size())
        .isGreaterThan(3);
  }

  @Test
  void criticalPathQueueWaitAndParallelismAreDrawn() throws IOException {
    // given a worker-pool trace: six jobs on two workers, five of which waited in the queue
    JsonObject trace = fixture(POOL);
    List<JsonObject> spans = spans(trace);

    // when its waterfall opens
    open("/trace/" + POOL);
    waitFor("span-bar", spans.size());

    // then the bars on the critical path are marked
    List<String> critical =
        driver
            .findElements(By.cssSelector("[data-testid='span-bar'][data-critical='true']"))
            .stream()
            .map(b -> b.getAttribute("data-span-id"))
            .toList();
    List<String> path = new ArrayList<>();
    trace.getAsJsonArray("criticalPath").forEach(id -> path.add(id.getAsString()));
    assertThat(critical).containsExactlyElementsOf(path);

    // and each job that waited has a queue-wait segment that ends where its bar starts
    List<WebElement> waits = driver.findElements(By.cssSelector("[data-testid='queue-wait']"));
    long waited =
        spans.stream()
            .filter(
                s ->
                    !s.get("queueWaitNanos").isJsonNull()
                        && s.get("queueWaitNanos").getAsLong() > 0)
            .count();
    assertThat(waits).hasSize((int) waited).isNotEmpty();
    for (WebElement wait : waits) {
      Rectangle segment = wait.getRect();
      Rectangle bar =
          driver
              .findElement(
                  By.cssSelector(
                      "[data-testid='span-bar'][data-span-id='"
                          + wait.getAttribute("data-span-id")
                          + "']"))
              .getRect();
      assertThat(Math.abs(segment.getX() + segment.getWidth() - bar.getX())).isLessThanOrEqualTo(2);
    }

    // and the root shows its parallelism and longest child
    WebElement parallelism =
        driver.findElement(
            By.cssSelector(
                "[data-testid='parallelism'][data-span-id='"
                    + spans.getFirst().get("spanId").getAsString()
                    + "']"));
    assertThat(parallelism.getText()).startsWith("×1.7 parallel").contains("longest process-job");
  }

  @Test
  void lanesGroupTheJobsOfEachWorker() throws IOException {
    // given the worker-pool trace, whose two lanes are its two workers
    JsonObject trace = fixture(POOL);
    open("/trace/" + POOL);
    waitFor("span-bar", spans(trace).size());

    // when grouped by lane
    System.err.println("T0 " + System.nanoTime() / 1_000_000);
    one("lane-toggle").click();
    System.err.println("T1 " + System.nanoTime() / 1_000_000);

    // then each lane is a band with its label and its jobs (and their children) inside
    List<WebElement> lanes = waitFor("lane", 2);
    System.err.println("T2 " + System.nanoTime() / 1_000_000);
    for (int i = 0; i < 2; i++) {
      JsonObject lane = trace.getAsJsonArray("lanes").get(i).getAsJsonObject();
      WebElement band = lanes.get(i);
      assertThat(band.getAttribute("data-lane")).isEqualTo(lane.get("key").getAsString());
      assertThat(band.getText()).contains(lane.get("label").getAsString());
      List<String> inside =
          band.findElements(By.cssSelector("[data-testid='span-bar']")).stream()
              .map(b -> b.getAttribute("data-span-id"))
              .toList();
      lane.getAsJsonArray("spanIds").forEach(id -> assertThat(inside).contains(id.getAsString()));
    }
    // and every span is still drawn once
    waitFor("span-bar", spans(trace).size());
  }

  @Test
  void clickingABarShowsItsDetailsAndTheUrlSelectsIt() throws IOException {
    // given the worker-pool trace and its failed job
    JsonObject failed =
        spans(fixture(POOL)).stream()
            .filter(s -> s.getAsJsonObject("status").get("code").getAsString().equals("ERROR"))
            .findFirst()
            .orElseThrow();
    String id = failed.get("spanId").getAsString();
    open("/trace/" + POOL);

    // when its bar is clicked
    one("span-bar");
    driver
        .findElement(By.cssSelector("[data-testid='span-bar'][data-span-id='" + id + "']"))
        .click();

    // then the details show its status, queue wait, attributes and events, and the URL names it
    WebElement details = one("span-details");
    assertThat(details.getAttribute("data-span-id")).isEqualTo(id);
    assertThat(details.getText())
        .contains(
            "ERROR", "card declined for order 5", "in the queue", "job.queue_wait_ns", "exception");
    assertThat(driver.getCurrentUrl()).endsWith("?span=" + id);

    // and the same URL opened afresh selects it again
    driver.get(driver.getCurrentUrl());
    assertThat(one("span-details").getAttribute("data-span-id")).isEqualTo(id);
  }

  @Test
  void linksAreFollowedBothWaysAcrossTraces() throws IOException {
    // given a consumer whose span links to the producer's send span
    JsonObject consumer = spans(fixture(CONSUMER)).getFirst();
    JsonObject send = spans(fixture(PRODUCER)).get(1);
    open("/trace/" + CONSUMER + "?span=" + consumer.get("spanId").getAsString());

    // when the link out is followed
    WebElement out =
        one("span-details")
            .findElement(By.cssSelector("[data-testid='link'][data-direction='out']"));
    out.click();

    // then the producer's trace opens with the send span selected
    waiting().until(d -> d.getCurrentUrl().contains("/trace/" + PRODUCER));
    waiting()
        .until(
            d ->
                send.get("spanId")
                    .getAsString()
                    .equals(one("span-details").getAttribute("data-span-id")));
    assertThat(driver.getCurrentUrl()).endsWith("?span=" + send.get("spanId").getAsString());

    // and its link back (linkedFrom) returns to the consumer's span
    one("span-details")
        .findElement(By.cssSelector("[data-testid='link'][data-direction='in']"))
        .click();
    waiting().until(d -> d.getCurrentUrl().contains("/trace/" + CONSUMER));
    waiting()
        .until(
            d ->
                consumer
                    .get("spanId")
                    .getAsString()
                    .equals(one("span-details").getAttribute("data-span-id")));

    // and a link to a span this receiver never got is text, not a link
    assertThat(one("span-details").findElements(By.cssSelector("[data-testid='link-missing']")))
        .hasSize(1);
  }

  @Test
  void hostileStringsAreShownAsText() throws IOException {
    // given a trace whose names, attributes, status, events, scope and resource hold markup
    JsonObject root = spans(fixture(HOSTILE)).getFirst();

    // when its list row and waterfall and details are shown
    open("/");
    waitFor("trace-row", 8);
    assertThat(driver.findElement(By.cssSelector("[data-trace-id='" + HOSTILE + "']")).getText())
        .contains("<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>");
    open("/trace/" + HOSTILE + "?span=" + root.get("spanId").getAsString());
    WebElement details = one("span-details");

    // then the markup is text: no element came from it and nothing ran
    assertThat(one("trace-title").getText()).isEqualTo("<script>alert(1)</script>");
    assertThat(details.getText())
        .contains("\"><img src=x onerror=alert(1)>", "<svg onload=alert(1)>");
    assertThat(
            driver.findElements(
                By.cssSelector("main img, main script, main svg, main iframe, main b")))
        .isEmpty();
    assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    // and links whose ids are not hex are not links
    assertThat(details.findElements(By.cssSelector("[data-testid='link']"))).isEmpty();
    assertThat(details.findElements(By.cssSelector("[data-testid='link-missing']"))).hasSize(2);
  }

  @Test
  void metricsPageDrawsAChartPerInstrument() {
    // given six instruments, one of them without points
    // when the metrics page opens
    open("/metrics");

    // then each instrument has a chart container, and those with points a uPlot canvas
    List<WebElement> charts = waitFor("metric-chart", 6);
    waiting()
        .until(
            d -> d.findElements(By.cssSelector("[data-testid='metric-chart'] canvas")).size() == 5);
    assertThat(charts.stream().map(c -> c.getAttribute("data-display")).toList())
        .containsExactly("rate", "line", "line", "percentiles", "line", "rate");
    assertThat(driver.findElement(By.cssSelector("main")).getText())
        .contains("p50", "p90", "p99", "No data points yet.", "<img src=x onerror=alert(1)>");
    assertThat(driver.findElements(By.cssSelector("main img, main script"))).isEmpty();
  }

  @Test
  void listRefetchesWhenTheServerAnnouncesTraces() {
    // given the list, live
    open("/");
    waitFor("trace-row", 8);
    waiting().until(d -> "live".equals(one("connection").getAttribute("data-state")));
    long before = server.requests().stream().filter(r -> r.startsWith("GET /api/traces")).count();

    // when the server announces new spans
    server.announceTraces(List.of(FAN_OUT));

    // then the page asks for the list again
    waiting()
        .until(
            d ->
                server.requests().stream().filter(r -> r.startsWith("GET /api/traces")).count()
                    > before);
  }

  @Test
  void withoutTheEventStreamThePagePolls() throws IOException {
    // given a server whose /api/events answers 404
    try (FixtureServer polled = FixtureServer.start(false)) {
      // when the list opens
      driver.get(polled.url() + "/");
      waitFor("trace-row", 8);

      // then the header says polling and the list is fetched again and again
      waiting().until(d -> "polling".equals(one("connection").getAttribute("data-state")));
      waiting()
          .until(
              d ->
                  polled.requests().stream().filter(r -> r.startsWith("GET /api/traces")).count()
                      >= 3);
      assertThat(polled.cspReports()).isEmpty();
    }
    // the failed event stream is logged by the browser as a 404; not a page error
    driver.manage().logs().get(LogType.BROWSER);
    open("/");
  }
}
