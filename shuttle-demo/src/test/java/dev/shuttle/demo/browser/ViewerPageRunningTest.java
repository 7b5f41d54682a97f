package dev.shuttle.demo.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.receiver.OtlpReceiver;
import dev.shuttle.receiver.ReceiverConfig;
import dev.shuttle.receiver.viewer.ViewerConfig;
import dev.shuttle.receiver.viewer.ViewerServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The live view in headless Chromium: an application sends spans and the live view's log records
 * over real OTLP (the OpenTelemetry SDK's exporters) to a real {@link OtlpReceiver}; the "Running
 * now" page shows its goroutines grouped by owner, with what they wait on, for how long (ticking)
 * and a link to their trace, and updates as rounds arrive; the trace's waterfall shows open-ended
 * bars for the goroutines still running in it, under their parent span.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ViewerPageRunningTest extends ViewerPageTestBase {
  private static final String MARKUP = "<img src=x onerror=alert(1)>";

  private OtlpReceiver receiver;
  private LiveSending app;

  @BeforeEach
  void startReceiver() throws IOException {
    // the page shows the receiver's store: replace the base's viewer with one on it
    viewer.close();
    receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder().bindAddress("127.0.0.1").httpPort(0).grpcPort(0).build());
    store = receiver.store();
    viewer = ViewerServer.start(store, ViewerConfig.builder().port(0).build());
    app = new LiveSending(receiver.httpEndpoint(), receiver.grpcEndpoint(), "shop");
  }

  @AfterEach
  void stopReceiver() {
    app.close();
    receiver.close();
  }

  /** A finished request whose root ended; one goroutine it started still runs under it. */
  private record Request(String traceId, String rootSpanId, Span leakedSpan, SpanContext root) {
    SpanContext leaked() {
      return leakedSpan.getSpanContext();
    }
  }

  private Request sendRequestWithLeftovers() {
    Span root = app.tracer().spanBuilder("checkout").startSpan();
    Span leaked;
    try (Scope ignored = root.makeCurrent()) {
      app.tracer().spanBuilder("load cart").startSpan().end();
      leaked = app.tracer().spanBuilder("resize").startSpan(); // never ends in this test
    }
    root.end();
    return new Request(
        root.getSpanContext().getTraceId(),
        root.getSpanContext().getSpanId(),
        leaked,
        root.getSpanContext());
  }

  private void sendRound(long round, Request request, boolean withThird) {
    app.goroutine(
        round,
        41,
        "shuttle-go-7",
        "pool images",
        "chan send on jobs (len 10, cap 10)",
        Duration.ofSeconds(2),
        request.leaked(),
        "resize",
        request.rootSpanId());
    app.goroutine(
        round, 42, MARKUP, "errgroup fetch", null, Duration.ZERO, request.root(), null, null);
    if (withThird) {
      app.goroutine(
          round,
          43,
          "shuttle-go-9",
          "pool images",
          "select on jobs, quit",
          Duration.ofMillis(300),
          SpanContext.getInvalid(),
          null,
          null);
    }
    assertThat(app.closeRound(round, withThird ? 3 : 2, withThird ? 2 : 1)).isTrue();
  }

  private static List<Map<String, Object>> runningRows() {
    return InPage.rows(
        driver(),
        "return [...document.querySelectorAll(\"[data-testid='running-row']\")].map(r => ({"
            + " id: r.dataset.goroutineId,"
            + " owner: r.closest('tbody').dataset.owner,"
            + " text: r.cells[0].textContent,"
            + " doing: r.cells[1].textContent,"
            + " blockedFor: r.cells[2].textContent,"
            + " link: r.querySelector('a') ? r.querySelector('a').getAttribute('href') : null }));");
  }

  @Test
  void theRunningPageShowsEachGoroutineGroupedByOwnerAndUpdatesLive() {
    // given: a request whose goroutines still run, reported in round 1
    Request request = sendRequestWithLeftovers();
    sendRound(1, request, false);

    // when: the page is opened from the nav
    open("/");
    one("nav-running").click();
    waitFor("running-row", 2);

    // then: one process, its goroutines grouped by owner, what they wait on, their trace
    assertThat(one("running-service").getText()).isEqualTo("shop");
    List<Map<String, Object>> rows = runningRows();
    assertThat(rows).extracting(r -> r.get("id")).containsExactly("41", "42");
    assertThat(rows)
        .extracting(r -> r.get("owner"))
        .containsExactly("pool images", "errgroup fetch");
    assertThat((String) rows.get(0).get("text"))
        .contains("#41")
        .contains("shuttle-go-7")
        .contains("in span resize");
    assertThat((String) rows.get(0).get("doing"))
        .isEqualTo("blocked on chan send on jobs (len 10, cap 10)");
    assertThat((String) rows.get(0).get("blockedFor")).matches("[0-9.]+ s");
    assertThat(rows.get(0).get("link"))
        .isEqualTo("/trace/" + request.traceId() + "?span=" + request.leaked().getSpanId());
    assertThat((String) rows.get(1).get("text")).contains(MARKUP); // as text, not an element
    assertThat((String) rows.get(1).get("doing")).isEqualTo("running");
    assertThat((String) rows.get(1).get("blockedFor")).isEmpty();
    assertThatThrownBy(() -> driver().switchTo().alert())
        .isInstanceOf(NoAlertPresentException.class);
    assertThat(driver().findElements(By.cssSelector("main img"))).isEmpty();

    // and: how long it has waited ticks on
    String before = (String) rows.get(0).get("blockedFor");
    waiting()
        .until(
            d ->
                !d.findElement(By.cssSelector("[data-testid='blocked-for']"))
                    .getText()
                    .equals(before));

    // when: the next round has one goroutine more
    sendRound(2, request, true);

    // then: the page shows it without a reload
    waitFor("running-row", 3);
    assertThat(runningRows())
        .filteredOn(r -> "43".equals(r.get("id")))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("owner")).isEqualTo("pool images");
              assertThat(r.get("link")).isNull();
              assertThat((String) r.get("doing")).isEqualTo("blocked on select on jobs, quit");
            });
    assertThat(driver().findElements(By.cssSelector("[data-testid='running-owner']")))
        .extracting(e -> e.getAttribute("data-owner"))
        .containsExactly("pool images", "errgroup fetch");
  }

  @Test
  void aTracesWaterfallShowsOpenEndedBarsForGoroutinesStillRunningInIt() throws Exception {
    // given: the finished request's spans have arrived, and a round says two goroutines still run
    Request request = sendRequestWithLeftovers();
    assertThat(store.awaitSpans(2, Duration.ofSeconds(10))).isTrue();
    sendRound(1, request, false);

    // when: its trace opens from the running page's link
    open("/running");
    waitFor("running-row", 2);
    driver().findElement(By.cssSelector("[data-testid='running-trace-link']")).click();
    List<WebElement> runningBars = waitFor("running-bar", 2);

    // then: two ended spans and two open-ended bars, both under the root span
    assertThat(driver().findElements(By.cssSelector("[data-testid='span-bar']"))).hasSize(2);
    assertThat(runningBars)
        .allSatisfy(
            b -> {
              assertThat(b.getAttribute("class")).contains("running-bar");
              assertThat(b.getAttribute("data-parent-span-id")).isEqualTo(request.rootSpanId());
            });
    // each bar ends at "now": the right edge of the track
    for (WebElement bar : runningBars) {
      WebElement track = bar.findElement(By.xpath(".."));
      int barEnd = bar.getRect().getX() + bar.getRect().getWidth();
      int trackEnd = track.getRect().getX() + track.getRect().getWidth();
      assertThat(barEnd).isBetween(trackEnd - 4, trackEnd + 4); // whole pixels, rounded
    }
    // the rows: the root, its ended child, then the still-running goroutines under the root
    List<Map<String, Object>> rows =
        InPage.rows(
            driver(),
            "return [...document.querySelectorAll('.wf-rows > .wf-row')].map(r => ({"
                + " testid: r.dataset.testid, depth: r.dataset.depth,"
                + " label: r.querySelector('.wf-label').textContent,"
                + " note: r.querySelector('.wf-note') ? r.querySelector('.wf-note').textContent : '' }));");
    assertThat(rows)
        .extracting(r -> r.get("testid"))
        .containsExactly("span-row", "span-row", "running-span-row", "running-span-row");
    assertThat(rows).extracting(r -> r.get("depth")).containsExactly("0", "1", "1", "1");
    assertThat((String) rows.get(2).get("label")).contains("resize");
    assertThat((String) rows.get(2).get("note"))
        .contains("blocked on chan send on jobs (len 10, cap 10)");
    assertThat((String) rows.get(3).get("label")).contains(MARKUP);
    assertThat((String) rows.get(3).get("note")).contains("running");
    assertThat(one("trace-running-count").getText()).isEqualTo("2 goroutines");
    assertThatThrownBy(() -> driver().switchTo().alert())
        .isInstanceOf(NoAlertPresentException.class);

    // when: the leaked goroutine's own span ends and arrives
    request.leakedSpan().end();

    // then: it is drawn as an ended span, no longer as running
    waitFor("span-bar", 3);
    waitFor("running-bar", 1);
    assertThat(one("running-bar").getAttribute("data-goroutine-id")).isEqualTo("42");
  }
}
