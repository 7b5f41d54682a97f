package dev.shuttle.demo.browser;

import static dev.shuttle.demo.browser.ViewerPageTelemetry.CONSUMER;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.CONSUMER_SPAN;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.FAN_OUT;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.HOSTILE;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.IMG;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.POOL;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.PRODUCER;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.QUOTES_RTL_ZERO_WIDTH;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.SCRIPT;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.SEND_SPAN;
import static dev.shuttle.demo.browser.ViewerPageTelemetry.SVG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;

/**
 * The viewer page's waterfall and span details in headless Chromium against a real {@code
 * ViewerServer}, compared with the server's own {@code /api/traces/{id}} answer: order and nesting,
 * critical path, queue waits, parallelism, lanes, details, links across traces, and markup shown as
 * text.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ViewerPageTraceTest extends ViewerPageTestBase {
  @BeforeEach
  void fillTheStore() {
    new ViewerPageTelemetry().addTraces(store);
  }

  @Test
  void barsAreOrderedAndNestedAsTheSpans() throws Exception {
    // given the fan-out-fan-in trace: a root, a fan-out, three workers with two children each
    List<JsonObject> spans = spans(api("/api/traces/" + FAN_OUT));
    assertThat(spans).hasSize(11);

    // when its waterfall opens
    open("/trace/" + FAN_OUT);
    List<WebElement> bars = waitFor("span-bar", spans.size());

    // then the bars are in the spans' order, at their depth, and each lies within its parent
    assertThat(bars.stream().map(b -> b.getAttribute("data-span-id")).toList())
        .containsExactlyElementsOf(spans.stream().map(s -> s.get("spanId").getAsString()).toList());
    assertThat(bars.stream().map(b -> b.getAttribute("data-depth")).toList())
        .containsExactlyElementsOf(spans.stream().map(s -> s.get("depth").getAsString()).toList())
        .containsExactly("0", "1", "2", "3", "3", "2", "3", "3", "2", "3", "3");
    for (int i = 0; i < spans.size(); i++) {
      JsonElement parent = spans.get(i).get("parentSpanId");
      if (parent.isJsonNull()) {
        continue;
      }
      Rectangle child = bars.get(i).getRect();
      Rectangle outer = bar(parent.getAsString()).getRect();
      assertThat(child.getX()).isGreaterThanOrEqualTo(outer.getX() - 1);
      assertThat(child.getX() + child.getWidth())
          .isLessThanOrEqualTo(outer.getX() + outer.getWidth() + 1);
      assertThat(child.getY()).isGreaterThan(outer.getY());
    }
    // and the axis has tick labels
    assertThat(driver().findElements(By.cssSelector("[data-testid='axis-tick']")).size())
        .isGreaterThan(3);
  }

  @Test
  void criticalPathQueueWaitAndParallelismAreDrawn() throws Exception {
    // given a worker-pool trace: six jobs on two workers, five of which waited in the queue
    JsonObject trace = api("/api/traces/" + POOL);
    List<JsonObject> spans = spans(trace);

    // when its waterfall opens
    open("/trace/" + POOL);
    waitFor("span-bar", spans.size());

    // then the bars on the critical path are marked
    List<String> critical =
        driver()
            .findElements(By.cssSelector("[data-testid='span-bar'][data-critical='true']"))
            .stream()
            .map(b -> b.getAttribute("data-span-id"))
            .toList();
    List<String> path = new ArrayList<>();
    trace.getAsJsonArray("criticalPath").forEach(id -> path.add(id.getAsString()));
    assertThat(path).hasSizeGreaterThan(1);
    assertThat(critical).containsExactlyElementsOf(path);

    // and each job that waited has a queue-wait segment that ends where its bar starts
    List<WebElement> waits = driver().findElements(By.cssSelector("[data-testid='queue-wait']"));
    List<String> waited =
        spans.stream()
            .filter(
                s ->
                    !s.get("queueWaitNanos").isJsonNull()
                        && s.get("queueWaitNanos").getAsLong() > 0)
            .map(s -> s.get("spanId").getAsString())
            .toList();
    assertThat(waited).hasSize(5);
    assertThat(waits.stream().map(w -> w.getAttribute("data-span-id")).toList())
        .containsExactlyInAnyOrderElementsOf(waited);
    for (WebElement wait : waits) {
      Rectangle segment = wait.getRect();
      Rectangle job = bar(wait.getAttribute("data-span-id")).getRect();
      assertThat(segment.getWidth()).isPositive();
      assertThat(Math.abs(segment.getX() + segment.getWidth() - job.getX())).isLessThanOrEqualTo(2);
    }

    // and the root shows its parallelism and longest child, as the server worked them out
    JsonObject root = spans.getFirst();
    WebElement parallelism =
        driver()
            .findElement(
                By.cssSelector(
                    "[data-testid='parallelism'][data-span-id='"
                        + root.get("spanId").getAsString()
                        + "']"));
    double factor = root.get("parallelism").getAsDouble();
    assertThat(factor).isBetween(1.5, 2.0);
    assertThat(parallelism.getText())
        .startsWith(String.format("×%.1f parallel", factor))
        .contains("longest process-job");
    assertThat(parallelism.getAttribute("data-longest-child-span-id"))
        .isEqualTo(root.get("longestChildSpanId").getAsString());

    // and a job with one child has a factor in the API but none on its bar: one child overlaps no
    // sibling, so "×0.9 parallel" would only mislead
    Map<String, Long> children =
        spans.stream()
            .filter(s -> !s.get("parentSpanId").isJsonNull())
            .collect(
                Collectors.groupingBy(
                    s -> s.get("parentSpanId").getAsString(), Collectors.counting()));
    List<String> oneChild =
        spans.stream()
            .map(s -> s.get("spanId").getAsString())
            .filter(id -> children.getOrDefault(id, 0L) == 1)
            .toList();
    assertThat(oneChild).isNotEmpty();
    for (String id : oneChild) {
      assertThat(
              driver()
                  .findElements(
                      By.cssSelector("[data-testid='parallelism'][data-span-id='" + id + "']")))
          .as("parallelism on the bar of %s, which has one child", id)
          .isEmpty();
    }
  }

  @Test
  void lanesGroupTheJobsOfEachWorker() throws Exception {
    // given the worker-pool trace, whose two lanes are its two workers
    JsonObject trace = api("/api/traces/" + POOL);
    int spanCount = spans(trace).size();
    assertThat(trace.getAsJsonArray("lanes")).hasSize(2);
    open("/trace/" + POOL);
    waitFor("span-bar", spanCount);

    // when grouped by lane
    one("lane-toggle").click();

    // then each lane is a band with its label and its jobs inside
    List<WebElement> lanes = waitFor("lane", 2);
    for (int i = 0; i < 2; i++) {
      JsonObject lane = trace.getAsJsonArray("lanes").get(i).getAsJsonObject();
      WebElement band = lanes.get(i);
      assertThat(band.getAttribute("data-lane")).isEqualTo(lane.get("key").getAsString());
      assertThat(band.getText()).contains(lane.get("label").getAsString());
      assertThat(lane.get("label").getAsString()).isEqualTo("orders worker " + (i + 1));
      List<String> inside =
          band.findElements(By.cssSelector("[data-testid='span-bar']")).stream()
              .map(b -> b.getAttribute("data-span-id"))
              .toList();
      lane.getAsJsonArray("spanIds").forEach(id -> assertThat(inside).contains(id.getAsString()));
    }
    // and every span is still drawn once
    waitFor("span-bar", spanCount);
  }

  @Test
  void clickingABarShowsItsDetailsAndTheUrlSelectsIt() throws Exception {
    // given the worker-pool trace and its failed job
    JsonObject failed =
        spans(api("/api/traces/" + POOL)).stream()
            .filter(s -> s.getAsJsonObject("status").get("code").getAsString().equals("ERROR"))
            .findFirst()
            .orElseThrow();
    String id = failed.get("spanId").getAsString();
    open("/trace/" + POOL);

    // when its bar is clicked
    one("span-bar");
    bar(id).click();

    // then the details show its status, queue wait, attributes, events and resource, and the URL
    // names it
    WebElement details = one("span-details");
    assertThat(details.getAttribute("data-span-id")).isEqualTo(id);
    assertThat(one("details-status").getText()).isEqualTo("ERROR");
    assertThat(one("details-queue-wait").getText()).contains("in the queue");
    assertThat(details.getText())
        .contains("card declined for order 5", "job.queue_wait_ns", "job.outcome", "failure")
        .contains("exception", "PaymentException")
        .contains("host.name", "pool-host", "shuttle-demo");
    assertThat(driver().getCurrentUrl()).endsWith("/trace/" + POOL + "?span=" + id);

    // and the same URL opened afresh selects it again
    driver().get(driver().getCurrentUrl());
    assertThat(one("span-details").getAttribute("data-span-id")).isEqualTo(id);
  }

  @Test
  void linksAreFollowedBothWaysAcrossTraces() throws Exception {
    // given a consumer whose span links to the producer's send span, and to a span never received
    assertThat(
            named(spans(api("/api/traces/" + PRODUCER)), "send orders").get("spanId").getAsString())
        .isEqualTo(SEND_SPAN);
    open("/trace/" + CONSUMER + "?span=" + CONSUMER_SPAN);
    WebElement details = one("span-details");
    assertThat(details.getAttribute("data-span-id")).isEqualTo(CONSUMER_SPAN);
    assertThat(details.findElements(By.cssSelector("[data-testid='link-missing']"))).hasSize(1);
    assertThat(details.getText()).contains("messaging.operation", "receive");

    // when the link out is followed
    details.findElement(By.cssSelector("[data-testid='link'][data-direction='out']")).click();

    // then the producer's trace opens with the send span selected
    waiting().until(d -> d.getCurrentUrl().endsWith("/trace/" + PRODUCER + "?span=" + SEND_SPAN));
    waiting().until(d -> SEND_SPAN.equals(one("span-details").getAttribute("data-span-id")));
    assertThat(one("trace-title").getText()).isEqualTo("publish orders");

    // and its link back (linkedFrom) returns to the consumer's span
    one("span-details")
        .findElement(By.cssSelector("[data-testid='link'][data-direction='in']"))
        .click();
    waiting()
        .until(d -> d.getCurrentUrl().endsWith("/trace/" + CONSUMER + "?span=" + CONSUMER_SPAN));
    waiting().until(d -> CONSUMER_SPAN.equals(one("span-details").getAttribute("data-span-id")));
    assertThat(one("trace-title").getText()).isEqualTo("process orders");
  }

  @Test
  void hostileStringsAreShownAsText() throws Exception {
    // given a trace whose names, attributes, status, events, scope and resource hold markup,
    // quotes, a right-to-left override and a zero-width space
    JsonObject root = spans(api("/api/traces/" + HOSTILE)).getFirst();
    assertThat(root.get("name").getAsString()).isEqualTo(SCRIPT);

    // when its list row, its waterfall and its details are shown
    open("/");
    waitFor("trace-row", ViewerPageTelemetry.NEWEST_FIRST.size());
    assertThat(driver().findElement(By.cssSelector("[data-trace-id='" + HOSTILE + "']")).getText())
        .contains(SCRIPT, IMG);
    open("/trace/" + HOSTILE + "?span=" + root.get("spanId").getAsString());
    WebElement details = one("span-details");

    // then the markup is text: no element came from it and nothing ran
    assertThat(one("trace-title").getText()).isEqualTo(SCRIPT);
    assertThat(details.getText())
        .contains(IMG, SVG, "<iframe src=javascript:alert(1)>", "<b>bold?</b> &")
        .contains("<script>alert('status')</script>", "<img src=x onerror=alert('event')>");
    String note =
        (String)
            ((JavascriptExecutor) driver())
                .executeScript(
                    "return [...document.querySelectorAll('main *')].map(e => e.textContent)"
                        + ".filter(t => t.includes('bold?')).pop() ?? null;");
    assertThat(note).contains(QUOTES_RTL_ZERO_WIDTH);
    assertThat(
            driver()
                .findElements(
                    By.cssSelector(
                        "main img, main script, main svg, main iframe, main b, main [onerror],"
                            + " main [onload]")))
        .isEmpty();
    assertThatThrownBy(() -> driver().switchTo().alert())
        .isInstanceOf(NoAlertPresentException.class);
    // and its two links, to traces this receiver never got, are text rather than links
    assertThat(details.findElements(By.cssSelector("[data-testid='link']"))).isEmpty();
    assertThat(details.findElements(By.cssSelector("[data-testid='link-missing']"))).hasSize(2);
  }
}
