package dev.shuttle.demo.browser;

import static dev.shuttle.demo.browser.InPage.await;
import static dev.shuttle.demo.browser.InPage.getObject;
import static dev.shuttle.demo.browser.InPage.list;
import static dev.shuttle.demo.browser.InPage.number;
import static dev.shuttle.demo.browser.InPage.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shuttle.demo.scenario.Scenario;
import dev.shuttle.demo.scenario.Scenarios;
import dev.shuttle.receiver.OtlpDump;
import dev.shuttle.receiver.OtlpJson;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The acceptance, as a new user meets it: {@code shuttle demo --ui} from the packaged jar,
 * its printed URL opened in Chromium. One demo (and one browser) serves every check here, in order;
 * the last one stops the demo as Ctrl-C would. Also {@code shuttle view} on the demo's dump.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(150)
class ViewerDemoIT {
  private static final Pattern VIEWER_UP =
      Pattern.compile("^Viewer on (http://127\\.0\\.0\\.1:\\d+) - press Ctrl-C to stop$");
  private static final Pattern VIEWER_ON =
      Pattern.compile("^Viewer on (http://127\\.0\\.0\\.1:\\d+)$");
  private static final Duration DEMO_LIMIT = Duration.ofMinutes(2);
  private static final double PIXEL = 1.01; // layout rounding: bars land within a pixel

  /** A root span that each scenario of the demo starts, by scenario name. */
  private static final Map<String, String> ROOT_OF_SCENARIO =
      Map.ofEntries(
          Map.entry("goroutines", "parallel-tasks"),
          Map.entry("bounded-pool", "submit-tasks"),
          Map.entry("dynamic-pool", "dynamic-pool-burst"),
          Map.entry("channel", "channel-pipeline"),
          Map.entry("pipeline", "multi-stage-pipeline"),
          Map.entry("select", "select-operation"),
          Map.entry("worker-pool", "submit-jobs"),
          Map.entry("fan-out-fan-in", "fan-out-fan-in"),
          Map.entry("metrics", "concurrent-requests"),
          Map.entry("timeout-cancel", "operation-with-timeout"),
          Map.entry("best-practices", "batch-operation"),
          Map.entry("once", "tracer-initialization"),
          Map.entry("context-cause", "tiered-processing"),
          Map.entry("atomic-metrics", "collect-requests"),
          Map.entry("deadlock", "deadlocked-request"));

  /** The rows of the trace list as drawn: trace id, root name, whether marked as an error. */
  private static final String LIST_ROWS =
      "return [...document.querySelectorAll('[data-testid=trace-row]')].map(r => ({"
          + " traceId: r.dataset.traceId,"
          + " rootName: r.querySelector('.col-root').textContent,"
          + " error: r.querySelector('[data-testid=error-mark]') !== null }));";

  /** The waterfall's rows as laid out: each span's bar, its queue wait, its track and indent. */
  private static final String WATERFALL_ROWS =
      "const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();"
          + " return {left: r.left, right: r.right, width: r.width}; };"
          + "return [...document.querySelectorAll('[data-testid=waterfall] [data-testid=span-row]')]"
          + ".map(r => { const bar = r.querySelector('[data-testid=span-bar]'); return {"
          + " spanId: r.dataset.spanId, depth: Number(r.dataset.depth),"
          + " indent: parseFloat(getComputedStyle(r.querySelector('.wf-label')).paddingLeft),"
          + " name: r.querySelector('.wf-name').textContent,"
          + " critical: bar.dataset.critical === 'true',"
          + " bar: box(bar), track: box(r.querySelector('.wf-track')),"
          + " wait: box(r.querySelector('[data-testid=queue-wait]')) }; });";

  /** True when the page's event stream is open. */
  private static final String LIVE =
      "return document.getElementById('connection').dataset.state === 'live'";

  private JarProcess demo;
  private Browser browser;
  private WebDriver driver;
  private String viewer;
  private Path dump;

  @BeforeAll
  void startTheDemoWithTheViewerAndABrowser(@TempDir Path dir) throws Exception {
    dump = dir.resolve("demo.json");
    demo = JarProcess.start("demo", "--ui", "--ui-port", "0", "--quiet", "--dump", dump.toString());
    viewer = demo.awaitLine(VIEWER_UP, DEMO_LIMIT).group(1);
    browser = Browser.start(1400, 900);
    driver = browser.driver();
  }

  @AfterAll
  void closeTheBrowserAndTheDemo() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (demo != null) {
        demo.close();
      }
    }
  }

  @Test
  @Order(1)
  void theListShowsATraceOfEveryScenarioTheDemoRan() {
    // given: the traces the viewer holds, and the demo's scenarios
    driver.get(viewer + "/");
    Map<String, Object> api = getObject(driver, "/api/traces");
    List<String> apiIds = ids(list(api, "traces"));
    long total = ((Number) api.get("total")).longValue();
    List<String> scenarios =
        Scenarios.all().stream().filter(Scenario::inAll).map(Scenario::name).toList();

    // when: the list is drawn
    List<Map<String, Object>> shown = awaitListOf(apiIds);

    // then: every trace the API holds, newest first, and a trace of every scenario among them
    assertThat(ROOT_OF_SCENARIO.keySet()).containsExactlyInAnyOrderElementsOf(scenarios);
    assertThat(apiIds).hasSize((int) total);
    assertThat(shown.stream().map(r -> (String) r.get("rootName")).toList())
        .isEqualTo(list(api, "traces").stream().map(t -> t.get("rootName")).toList())
        .containsAll(ROOT_OF_SCENARIO.values());
    assertThat(text("trace-count")).isEqualTo(total + " traces");
    assertThat(demo.output())
        .contains(scenarios.size() + " scenarios, 0 failed; " + total + " traces");
    InPage.awaitTrue(driver, LIVE);
  }

  @Test
  @Order(2)
  void aFilterNarrowsTheList() {
    // given: the whole list
    driver.get(viewer + "/");
    int total = ids(list(getObject(driver, "/api/traces"), "traces")).size();
    awaitListOf(ids(list(getObject(driver, "/api/traces"), "traces")));

    // when: a name is typed into the filter
    driver.findElement(By.cssSelector("[data-testid=filter-name]")).sendKeys("submit");

    // then: the traces with a span of that name, as the API finds them
    List<String> named = ids(list(getObject(driver, "/api/traces?name=submit"), "traces"));
    assertThat(named).isNotEmpty().hasSizeLessThan(total);
    assertThat(ids(awaitListOf(named))).isEqualTo(named);
    assertThat(driver.getCurrentUrl()).contains("name=submit");
    assertThat(text("trace-count")).isEqualTo(named.size() + " matching traces");

    // and when the filters are cleared and only errors are asked for
    driver.findElement(By.cssSelector("[data-testid=filter-clear]")).click();
    awaitListOf(ids(list(getObject(driver, "/api/traces"), "traces")));
    new Select(driver.findElement(By.cssSelector("[data-testid=filter-status]")))
        .selectByValue("error");

    // then: only the traces with an error, each marked
    List<String> failed = ids(list(getObject(driver, "/api/traces?status=error"), "traces"));
    assertThat(failed).isNotEmpty().hasSizeLessThan(total);
    List<Map<String, Object>> shown = awaitListOf(failed);
    assertThat(shown).allSatisfy(row -> assertThat(row.get("error")).isEqualTo(true));
    assertThat(driver.findElement(By.cssSelector("[data-testid=filter-errors-only]")).isSelected())
        .isTrue();
  }

  @Test
  @Order(3)
  void theFanOutFanInWaterfallOrdersAndNestsItsBarsAsTheSpans() {
    // given: the fan-out-fan-in trace as the API gives it
    driver.get(viewer + "/?name=fan-out-fan-in");
    String traceId = traceWithRoot("fan-out-fan-in");
    Map<String, Object> trace = getObject(driver, "/api/traces/" + traceId);
    List<Map<String, Object>> spans = list(trace, "spans");

    // when: its row in the list is clicked
    awaitListOf(ids(list(getObject(driver, "/api/traces?name=fan-out-fan-in"), "traces")));
    driver
        .findElement(By.cssSelector("[data-testid=trace-row][data-trace-id='" + traceId + "'] a"))
        .click();
    List<Map<String, Object>> drawn = awaitWaterfallOf(spans.size());

    // then: a row per span in the API's tree order, each bar where its span ran
    assertThat(driver.getCurrentUrl()).isEqualTo(viewer + "/trace/" + traceId);
    assertThat(text("trace-title")).isEqualTo("fan-out-fan-in");
    assertThat(drawn.stream().map(r -> r.get("spanId")).toList())
        .isEqualTo(spans.stream().map(s -> s.get("spanId")).toList());
    assertTreeOrder(spans);
    assertBarsAsTheSpansRan(trace, spans, drawn);

    // and each child is indented under its parent and drawn within its parent's bar
    Map<String, Map<String, Object>> rowOf = byId(drawn);
    int nested = 0;
    for (Map<String, Object> span : spans) {
      Object parentId = span.get("parentSpanId");
      if (parentId == null) {
        continue;
      }
      Map<String, Object> row = rowOf.get((String) span.get("spanId"));
      Map<String, Object> parentRow = rowOf.get((String) parentId);
      assertThat(number(row.get("indent"))).isGreaterThan(number(parentRow.get("indent")));
      assertThat(left(row, "bar")).isGreaterThanOrEqualTo(left(parentRow, "bar") - PIXEL);
      assertThat(right(row, "bar")).isLessThanOrEqualTo(right(parentRow, "bar") + PIXEL);
      nested++;
    }
    assertThat(nested).isEqualTo(spans.size() - 1);
    assertThat(drawn.stream().mapToLong(r -> ((Number) r.get("depth")).longValue()).max())
        .hasValue(2); // fan-out-fan-in → input-item → worker-process
    assertThat(driver.findElements(By.cssSelector("[data-testid=span-details]"))).isEmpty();
  }

  @Test
  @Order(4)
  void aWorkerPoolTraceShowsItsCriticalPathAndQueueWaits() {
    // given: a trace of the worker-pool scenario, whose jobs waited in the pool's queue
    driver.get(viewer + "/");
    String traceId = traceWithRoot("submit-jobs");
    Map<String, Object> trace = getObject(driver, "/api/traces/" + traceId);
    List<Map<String, Object>> spans = list(trace, "spans");
    @SuppressWarnings("unchecked") // a JSON array of span ids
    List<String> criticalPath = (List<String>) trace.get("criticalPath");
    Set<Object> waited =
        spans.stream()
            .filter(s -> s.get("queueWaitNanos") instanceof Number n && n.doubleValue() > 0)
            .map(s -> s.get("spanId"))
            .collect(Collectors.toSet());
    assertThat(criticalPath).hasSizeGreaterThanOrEqualTo(2);
    assertThat(waited).isNotEmpty();

    // when: its page is opened
    driver.get(viewer + "/trace/" + traceId);
    List<Map<String, Object>> drawn = awaitWaterfallOf(spans.size());

    // then: the critical path is named in order and its bars marked
    assertThat(
            driver
                .findElements(By.cssSelector("[data-testid=critical-path] [data-span-id]"))
                .stream()
                .map(b -> b.getDomAttribute("data-span-id"))
                .toList())
        .isEqualTo(criticalPath);
    assertThat(
            drawn.stream()
                .filter(r -> Boolean.TRUE.equals(r.get("critical")))
                .map(r -> r.get("spanId")))
        .containsExactlyInAnyOrderElementsOf(criticalPath);

    // and a queue-wait segment ends where each waiting job's bar starts
    assertBarsAsTheSpansRan(trace, spans, drawn);
    assertThat(drawn.stream().filter(r -> r.get("wait") != null).map(r -> r.get("spanId")))
        .containsExactlyInAnyOrderElementsOf(waited);
    for (Map<String, Object> row : drawn) {
      if (row.get("wait") != null) {
        assertThat(right(row, "wait")).isCloseTo(left(row, "bar"), within(PIXEL));
        assertThat(width(row, "wait")).isPositive();
      }
    }
  }

  @Test
  @Order(5)
  void theMetricsPageChartsThePoolsMetrics() {
    // given: the metrics the viewer holds
    driver.get(viewer + "/");
    List<Map<String, Object>> metrics = list(getObject(driver, "/api/metrics"), "metrics");

    // when: the Metrics link is followed
    driver.findElement(By.cssSelector("[data-testid=nav-metrics]")).click();
    await(
        driver,
        d -> d.findElements(By.cssSelector("[data-testid=metric]")).size() == metrics.size());

    // then: the pool's active workers and queue size are drawn with the API's series
    for (String name : List.of("worker_pool.active_workers", "worker_pool.queue.size")) {
      Map<String, Object> series =
          getObject(
              driver,
              "/api/metrics/series?name="
                  + URLEncoder.encode(name, StandardCharsets.UTF_8)
                  + "&service=shuttle-demo");
      List<Object> labels = list(series, "series").stream().map(s -> s.get("label")).toList();
      assertThat(labels).as(name).isNotEmpty();
      assertThat(
              list(series, "series").stream()
                  .mapToInt(s -> ((List<?>) s.get("points")).size())
                  .sum())
          .as(name)
          .isPositive();
      String chart = "[data-testid=metric-chart][data-metric='" + name + "']";
      WebElement canvas =
          await(
              driver,
              d ->
                  d.findElements(By.cssSelector(chart + " canvas")).stream()
                      .findFirst()
                      .orElse(null));
      assertThat(canvas.getSize().getWidth()).isGreaterThan(100);
      assertThat(canvas.getSize().getHeight()).isGreaterThan(50);
      assertThat(driver.findElement(By.cssSelector(chart)).getDomAttribute("data-display"))
          .isEqualTo(series.get("display"));
      assertThat(
              driver.findElements(By.cssSelector(chart + " .u-legend .u-series .u-label")).stream()
                  .skip(1) // the time axis
                  .map(WebElement::getText)
                  .toList())
          .as(name)
          .isEqualTo(labels);
    }
  }

  @Test
  @Order(6)
  void viewShowsTheDemosDumpWithEveryTrace() throws Exception {
    // given: the dump the demo wrote, and what its viewer holds
    driver.get(viewer + "/");
    long held = ((Number) getObject(driver, "/api/traces").get("total")).longValue();
    OtlpDump written = OtlpJson.readDump(dump);
    long inDump =
        written.traces().getResourceSpansList().stream()
            .map(ResourceSpans::getScopeSpansList)
            .flatMap(List::stream)
            .map(ScopeSpans::getSpansList)
            .flatMap(List::stream)
            .map(s -> s.getTraceId())
            .distinct()
            .count();
    assertThat(inDump).isEqualTo(held);

    // when: shuttle view shows it
    try (JarProcess view = JarProcess.start("view", dump.toString(), "--ui-port", "0")) {
      MatchResult loaded =
          view.awaitLine(Pattern.compile("^Loaded (\\d+) spans? in (\\d+) traces?"), DEMO_LIMIT);
      String url = view.awaitLine(VIEWER_ON, Duration.ofSeconds(30)).group(1);
      driver.get(url + "/");

      // then: the same traces, in the terminal and in the browser
      assertThat(Long.parseLong(loaded.group(2))).isEqualTo(inDump);
      Map<String, Object> api = getObject(driver, "/api/traces");
      assertThat(((Number) api.get("total")).longValue()).isEqualTo(inDump);
      assertThat(awaitListOf(ids(list(api, "traces")))).hasSize((int) inDump);
      assertThat(text("trace-count")).isEqualTo(inDump + " traces");
      driver.get("about:blank"); // the page polls its server: leave it before it stops
      assertThat(view.stop(Duration.ofSeconds(30))).as(view.output()).isZero();
    }
  }

  @Test
  @Order(90)
  void theBrowserConsoleStayedClean() {
    InPage.assertNoConsoleErrors(browser);
  }

  @Test
  @Order(100)
  void sigtermStopsTheDemoAndItsViewerWithExitCode0() throws Exception {
    // given: a browser on the list, its event stream open
    driver.get(viewer + "/");
    InPage.awaitTrue(driver, LIVE);

    // when: SIGTERM, as Ctrl-C without a terminal
    int code = demo.stop(Duration.ofSeconds(30));

    // then
    assertThat(code).as(demo.output()).isZero();
    assertThat(demo.output())
        .contains("Viewer on " + viewer + " - press Ctrl-C to stop")
        .contains("Wrote everything received, as OTLP/JSON, to " + dump)
        .contains("Stopped the viewer and the receiver")
        .doesNotContain("Exception");
    URI address = URI.create(viewer);
    assertThatThrownBy(() -> new Socket(address.getHost(), address.getPort()).close())
        .isInstanceOf(ConnectException.class);
  }

  // --- helpers ---

  private String text(String testid) {
    return driver.findElement(By.cssSelector("[data-testid=" + testid + "]")).getText();
  }

  private static List<String> ids(List<Map<String, Object>> traces) {
    return traces.stream().map(t -> (String) t.get("traceId")).toList();
  }

  private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> rows) {
    Map<String, Map<String, Object>> map = new HashMap<>();
    rows.forEach(r -> map.put((String) r.get("spanId"), r));
    return map;
  }

  /** Waits until the list shows exactly the traces {@code traceIds}, in that order. */
  private List<Map<String, Object>> awaitListOf(List<String> traceIds) {
    return await(
        driver,
        d -> {
          List<Map<String, Object>> shown = rows(d, LIST_ROWS);
          return ids(shown).equals(traceIds) ? shown : null;
        });
  }

  /** Waits until the waterfall has {@code count} rows, and returns them as laid out. */
  private List<Map<String, Object>> awaitWaterfallOf(int count) {
    return await(
        driver,
        d -> {
          List<Map<String, Object>> drawn = rows(d, WATERFALL_ROWS);
          return drawn.size() == count ? drawn : null;
        });
  }

  /** The id of the newest trace whose root span is {@code rootName}. */
  private String traceWithRoot(String rootName) {
    return list(getObject(driver, "/api/traces?name=" + rootName), "traces").stream()
        .filter(t -> rootName.equals(t.get("rootName")))
        .map(t -> (String) t.get("traceId"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no trace with root " + rootName));
  }

  /** The API's spans come depth first: each after its parent, one level deeper, in its subtree. */
  private static void assertTreeOrder(List<Map<String, Object>> spans) {
    Map<Object, Integer> index = new HashMap<>();
    for (int i = 0; i < spans.size(); i++) {
      Map<String, Object> span = spans.get(i);
      index.put(span.get("spanId"), i);
      Object parentId = span.get("parentSpanId");
      long depth = ((Number) span.get("depth")).longValue();
      if (parentId == null) {
        assertThat(depth).isZero();
        continue;
      }
      int parent = Objects.requireNonNull(index.get(parentId), "parent before child");
      long parentDepth = ((Number) spans.get(parent).get("depth")).longValue();
      assertThat(depth).isEqualTo(parentDepth + 1);
      for (int between = parent + 1; between < i; between++) {
        assertThat(((Number) spans.get(between).get("depth")).longValue())
            .as("a span between a parent and its child is in the parent's subtree")
            .isGreaterThan(parentDepth);
      }
    }
  }

  /**
   * Each bar starts and ends where its span did on the trace's time axis, which runs from the
   * earliest queue wait (or the trace's start) to the last end; depths are the API's.
   */
  private static void assertBarsAsTheSpansRan(
      Map<String, Object> trace, List<Map<String, Object>> spans, List<Map<String, Object>> drawn) {
    double t0 = 0;
    double t1 = number(trace.get("durationNanos"));
    for (Map<String, Object> s : spans) {
      double start = number(s.get("startOffsetNanos"));
      if (s.get("queueWaitNanos") instanceof Number wait && wait.doubleValue() > 0) {
        t0 = Math.min(t0, start - wait.doubleValue());
      }
      t1 = Math.max(t1, start + number(s.get("durationNanos")));
    }
    Map<String, Map<String, Object>> rowOf = byId(drawn);
    for (Map<String, Object> span : spans) {
      Map<String, Object> row = rowOf.get((String) span.get("spanId"));
      assertThat(row.get("depth")).isEqualTo(span.get("depth"));
      assertThat(row.get("name")).isEqualTo(span.get("name"));
      double trackLeft = left(row, "track");
      double pxPerNano = width(row, "track") / (t1 - t0);
      double start = number(span.get("startOffsetNanos"));
      double duration = number(span.get("durationNanos"));
      assertThat(left(row, "bar"))
          .as("start of %s", span.get("name"))
          .isCloseTo(trackLeft + (start - t0) * pxPerNano, within(PIXEL));
      assertThat(width(row, "bar"))
          .as("length of %s", span.get("name"))
          .isCloseTo(Math.max(2, duration * pxPerNano), within(PIXEL));
    }
  }

  @SuppressWarnings("unchecked") // a box from WATERFALL_ROWS
  private static double left(Map<String, Object> row, String box) {
    return number(((Map<String, Object>) row.get(box)).get("left"));
  }

  @SuppressWarnings("unchecked") // a box from WATERFALL_ROWS
  private static double right(Map<String, Object> row, String box) {
    return number(((Map<String, Object>) row.get(box)).get("right"));
  }

  @SuppressWarnings("unchecked") // a box from WATERFALL_ROWS
  private static double width(Map<String, Object> row, String box) {
    return number(((Map<String, Object>) row.get(box)).get("width"));
  }
}
