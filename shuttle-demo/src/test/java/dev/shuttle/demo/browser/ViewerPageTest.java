package dev.shuttle.demo.browser;

import static dev.shuttle.demo.browser.ViewerPageTelemetry.ERRGROUP;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.FAN_OUT;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.NEWEST_FIRST;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.POOL;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.PRODUCER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The viewer page's trace list and metrics in headless Chromium against a real {@code
 * ViewerServer}: newest first, live over server-sent events, polling when the event stream is
 * refused, filters kept in the URL, a row opening its trace, and a chart per instrument.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ViewerPageTest extends ViewerPageTestBase {
  private final ViewerPageTelemetry telemetry = new ViewerPageTelemetry();

  private static List<String> rowIds() {
    return driver().findElements(By.cssSelector("[data-testid='trace-row']")).stream()
        .map(row -> row.getAttribute("data-trace-id"))
        .toList();
  }

  @Test
  void listShowsEveryTraceNewestFirstAndGoesLive() {
    // given six traces in the store
    telemetry.addTraces(store);

    // when the list opens
    open("/");

    // then every trace is a row, newest first, errors marked, and the event stream is open
    waitFor("trace-row", NEWEST_FIRST.size());
    assertThat(rowIds()).containsExactlyElementsOf(NEWEST_FIRST);
    assertThat(
            driver()
                .findElements(
                    By.cssSelector("[data-testid='trace-row'] [data-testid='error-mark']")))
        .hasSize(3);
    waiting().until(d -> "live".equals(one("connection").getAttribute("data-state")));
  }

  @Test
  void tracesThatArriveAppearWithoutAReload() {
    // given the list, live
    telemetry.addTraces(store);
    open("/");
    waitFor("trace-row", NEWEST_FIRST.size());
    waiting().until(d -> "live".equals(one("connection").getAttribute("data-state")));
    ((JavascriptExecutor) driver()).executeScript("window.notReloaded = true;");

    // when a new trace reaches the store
    String late = "0123456789abcdef0123456789abcdef";
    store.addTraces(ViewerPageTelemetry.arrivingNow(late, "arrived late"));

    // then it is the list's first row, marked as new, on the same page
    waitFor("trace-row", NEWEST_FIRST.size() + 1);
    assertThat(rowIds().getFirst()).isEqualTo(late);
    WebElement first = driver().findElement(By.cssSelector("[data-testid='trace-row']"));
    assertThat(first.getText()).contains("arrived late", "late-service");
    assertThat(first.getAttribute("class")).contains("fresh");
    assertThat(((JavascriptExecutor) driver()).executeScript("return window.notReloaded === true;"))
        .isEqualTo(true);
  }

  @Test
  void filtersNarrowTheListAndLiveInTheUrl() {
    // given the list
    telemetry.addTraces(store);
    open("/");
    waitFor("trace-row", NEWEST_FIRST.size());

    // when errors only is ticked and a span name typed
    one("filter-errors-only").click();
    waitFor("trace-row", 3);
    one("filter-name").sendKeys("TASK");
    List<WebElement> rows = waitFor("trace-row", 1);

    // then one trace is left, the status select agrees, and the URL carries the filters
    assertThat(rows.getFirst().getAttribute("data-trace-id")).isEqualTo(ERRGROUP);
    assertThat(new Select(one("filter-status")).getFirstSelectedOption().getAttribute("value"))
        .isEqualTo("error");
    assertThat(driver().getCurrentUrl()).contains("status=error").contains("name=TASK");

    // and opening that URL afresh restores the same list
    driver().get(driver().getCurrentUrl());
    waitFor("trace-row", 1);
    assertThat(one("filter-name").getAttribute("value")).isEqualTo("TASK");
    assertThat(one("filter-errors-only").isSelected()).isTrue();

    // and a service, a minimum duration and an attribute narrow it too
    open("/?service=order-service");
    assertThat(waitFor("trace-row", 1).getFirst().getAttribute("data-trace-id"))
        .isEqualTo(PRODUCER);
    assertThat(new Select(one("filter-service")).getFirstSelectedOption().getAttribute("value"))
        .isEqualTo("order-service");
    open("/?minDurationMs=30");
    waitFor("trace-row", 2);
    assertThat(rowIds()).containsExactly(POOL, FAN_OUT);
    open("/?attr=" + "job.outcome%3Dfailure");
    assertThat(waitFor("trace-row", 1).getFirst().getAttribute("data-trace-id")).isEqualTo(POOL);
  }

  @Test
  void clickingARowOpensItsWaterfall() throws Exception {
    // given the list
    telemetry.addTraces(store);
    int spans = api("/api/traces/" + FAN_OUT).getAsJsonArray("spans").size();
    open("/");
    WebElement row =
        waitFor("trace-row", NEWEST_FIRST.size()).stream()
            .filter(r -> FAN_OUT.equals(r.getAttribute("data-trace-id")))
            .findFirst()
            .orElseThrow();

    // when a row is clicked (not on its link)
    row.findElement(By.cssSelector("td.num")).click();

    // then its trace opens at /trace/<id>
    waitFor("span-bar", spans);
    assertThat(driver().getCurrentUrl()).endsWith("/trace/" + FAN_OUT);
    assertThat(one("trace-title").getText()).isEqualTo("fan-out-fan-in");
  }

  @Test
  void withoutTheEventStreamThePagePolls() throws Exception {
    // given a viewer whose event streams are all taken, so that it refuses the page's (503)
    telemetry.addTraces(store);
    List<InputStream> taken = new ArrayList<>();
    try {
      takeEveryEventStream(taken);
      expectConsole(message -> message.contains("/api/events"));

      // when the list opens
      open("/");
      waitFor("trace-row", NEWEST_FIRST.size());

      // then the header says polling, and a trace that arrives shows up all the same
      waiting().until(d -> "polling".equals(one("connection").getAttribute("data-state")));
      String late = "fedcba9876543210fedcba9876543210";
      store.addTraces(ViewerPageTelemetry.arrivingNow(late, "found by polling"));
      waitFor("trace-row", NEWEST_FIRST.size() + 1);
      assertThat(rowIds().getFirst()).isEqualTo(late);
    } finally {
      for (InputStream stream : taken) {
        stream.close();
      }
    }
  }

  /** Opens event streams until the viewer answers 503; keeps them open in {@code taken}. */
  private void takeEveryEventStream(List<InputStream> taken)
      throws IOException, InterruptedException {
    for (int i = 0; i < 100; i++) {
      HttpResponse<InputStream> response =
          http()
              .send(
                  HttpRequest.newBuilder(URI.create(viewer.url() + "/api/events")).build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      taken.add(response.body());
      if (response.statusCode() == 503) {
        return;
      }
      assertThat(response.statusCode()).isEqualTo(200);
    }
    throw new AssertionError("the viewer accepted 100 event streams");
  }

  @Test
  void metricsPageDrawsAChartPerInstrument() {
    // given a counter, an up-down counter, a gauge, a histogram, a gauge named in markup, and a
    // counter with one point without a start time, whose rate needs a second point
    store.addMetrics(telemetry.metrics());

    // when the metrics page opens
    open("/metrics");

    // then each instrument has a chart, drawn on a canvas, as a rate, lines or percentiles
    List<WebElement> charts = waitFor("metric-chart", 6);
    waiting()
        .until(
            d -> d.findElements(By.cssSelector("[data-testid='metric-chart'] canvas")).size() == 5);
    waiting()
        .until(
            d ->
                d.findElements(By.cssSelector("[data-testid='metric-chart'][data-display]")).size()
                    == 6);
    List<String> displays =
        charts.stream()
            .map(c -> c.getAttribute("data-metric") + "=" + c.getAttribute("data-display"))
            .toList();
    assertThat(displays)
        .containsExactlyInAnyOrder(
            "worker_pool.jobs_processed=rate",
            "worker_pool.active_workers=line",
            "worker_pool.queue.size=line",
            "worker_pool.job_duration=percentiles",
            "shuttle.goroutine.uncaught_failures=rate",
            "<img src=x onerror=alert(1)>=line");
    assertThat(
            driver()
                .findElements(
                    By.cssSelector(
                        "[data-testid='metric-chart'][data-metric='shuttle.goroutine.uncaught_failures']"
                            + " canvas")))
        .isEmpty();
    String text = driver().findElement(By.cssSelector("main")).getText();
    assertThat(text)
        .contains("p50", "p90", "p99", "job.outcome=success", "job.outcome=failure")
        .contains("No data points yet.")
        .contains("<img src=x onerror=alert(1)>", "<script>alert('desc')</script>", "<b>u</b>");
    assertThat(driver().findElements(By.cssSelector("main img, main script, main b"))).isEmpty();
  }
}
