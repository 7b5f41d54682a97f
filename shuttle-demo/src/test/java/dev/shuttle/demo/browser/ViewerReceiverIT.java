package dev.shuttle.demo.browser;

import static dev.shuttle.demo.browser.InPage.await;
import static dev.shuttle.demo.browser.InPage.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;

/**
 * {@code shuttle receiver} with its viewer, from the packaged jar: a span whose name is markup,
 * sent over real OTLP, is printed with its deep link, and that link shows the name as text.
 */
@Timeout(120)
class ViewerReceiverIT {
  private static final Pattern HTTP_ENDPOINT =
      Pattern.compile("^OTLP/HTTP listening on (http://127\\.0\\.0\\.1:\\d+)$");
  private static final Pattern VIEWER_ON =
      Pattern.compile("^Viewer on (http://127\\.0\\.0\\.1:\\d+)$");
  private static final String MARKUP = "<script>alert(1)</script>";
  private static final String NAME = "checkout " + MARKUP;
  private static final String CHILD = "charge <img src=x onerror=alert(2)>";

  @Test
  void aSpanNamedWithMarkupIsPrintedWithItsLinkAndShownAsText() throws Exception {
    try (JarProcess receiver =
            JarProcess.start("receiver", "--ui-port", "0", "--http-port", "0", "--grpc-port", "0");
        Browser browser = Browser.start(1200, 800)) {
      // given: the receiver and its viewer on free ports
      String endpoint = receiver.awaitLine(HTTP_ENDPOINT, Duration.ofSeconds(60)).group(1);
      String viewer = receiver.awaitLine(VIEWER_ON, Duration.ofSeconds(10)).group(1);

      // when: an application sends a span named with markup (and a child) over OTLP/HTTP
      String traceId;
      try (SdkTracerProvider tracing =
          SdkTracerProvider.builder()
              .setResource(
                  Resource.getDefault()
                      .merge(Resource.builder().put("service.name", "shop").build()))
              .addSpanProcessor(
                  SimpleSpanProcessor.create(
                      OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").build()))
              .build()) {
        Span root = tracing.get("app").spanBuilder(NAME).startSpan();
        try (Scope ignored = root.makeCurrent()) {
          tracing
              .get("app")
              .spanBuilder(CHILD)
              .setAttribute(AttributeKey.stringKey("note"), MARKUP)
              .startSpan()
              .end();
        } finally {
          root.end();
        }
        traceId = root.getSpanContext().getTraceId();
        assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }

      // then: the terminal prints the trace headed by its deep link
      String link =
          receiver
              .awaitLine(
                  Pattern.compile(
                      "^trace (" + Pattern.quote(viewer) + "/trace/" + traceId + ")\\s"),
                  Duration.ofSeconds(20))
              .group(1);

      // and the link shows the names as text: no alert, no element made from them
      WebDriver driver = browser.driver();
      driver.get(link);
      await(driver, d -> d.findElements(By.cssSelector("[data-testid=span-row]")).size() == 2);
      assertThat(driver.findElement(By.cssSelector("[data-testid=trace-title]")).getText())
          .isEqualTo(NAME);
      assertThat(
              driver.findElements(By.cssSelector("[data-testid=span-row] .wf-name")).stream()
                  .map(e -> e.getText())
                  .toList())
          .containsExactly(NAME, CHILD);
      assertThat(driver.getTitle()).isEqualTo(NAME + " · Shuttle");
      assertNothingInjected(driver);

      // and so does the span's details panel, and the list
      driver.findElements(By.cssSelector("[data-testid=span-bar]")).get(1).click();
      await(driver, d -> !d.findElements(By.cssSelector("[data-testid=span-details]")).isEmpty());
      assertThat(driver.findElement(By.cssSelector("[data-testid=span-details]")).getText())
          .contains(CHILD, MARKUP);
      assertNothingInjected(driver);
      driver.get(viewer + "/");
      await(driver, d -> !d.findElements(By.cssSelector("[data-testid=trace-link]")).isEmpty());
      assertThat(driver.findElement(By.cssSelector("[data-testid=trace-link]")).getText())
          .isEqualTo(NAME);
      assertNothingInjected(driver);
      InPage.assertNoConsoleErrors(browser);

      // and SIGTERM stops the receiver with its summary
      driver.get("about:blank");
      assertThat(receiver.stop(Duration.ofSeconds(30))).as(receiver.output()).isZero();
      assertThat(receiver.output()).contains("Received 2 spans (1 trace held, 0 evicted)");
    }
  }

  /** No alert opened, and the only scripts and images are the page's own. */
  private static void assertNothingInjected(WebDriver driver) {
    assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    List<?> scripts =
        (List<?>)
            run(
                driver,
                "return [...document.querySelectorAll('script')].map(s => s.getAttribute('src'))");
    assertThat(scripts.stream().map(String::valueOf).toList())
        .containsExactly("/assets/uplot/uPlot.iife.min.js", "/assets/app.js");
    assertThat(run(driver, "return document.querySelectorAll('#view img, #view [onerror]').length"))
        .isEqualTo(0L);
  }
}
