package dev.shuttle.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShuttleLeakCheckTest {
  private OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().build();

  @BeforeEach
  void installTracker() {
    Fixtures.jobs = Fixtures.newJobs();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(ShuttleLeakCheck.spanProcessor())
                    .build())
            .build();
    ShuttleTelemetry.use(sdk);
  }

  /** Lets the goroutines and spans the fixtures left end (this class's own check waits for it). */
  @AfterEach
  void cleanUp() {
    if (!Fixtures.jobs.isClosed()) {
      Fixtures.jobs.close();
    }
    Fixtures.unended.get().end();
    ShuttleTelemetry.useGlobal();
    sdk.close();
  }

  private static Events run(Class<?> fixture, String... parameters) {
    EngineTestKit.Builder kit =
        EngineTestKit.engine("junit-jupiter")
            .enableImplicitConfigurationParameters(false)
            .configurationParameter(ShuttleLeakCheck.GRACE_PARAMETER, "300ms")
            .selectors(selectClass(fixture));
    for (int i = 0; i < parameters.length; i += 2) {
      kit.configurationParameter(parameters[i], parameters[i + 1]);
    }
    return kit.execute().testEvents();
  }

  private static Throwable failure(Events events) {
    assertThat(events.failed().count()).as("failed tests").isEqualTo(1);
    List<Event> failed = events.failed().list();
    return failed
        .getFirst()
        .getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable)
        .orElseThrow();
  }

  private static String failureMessage(Events events) {
    Throwable failure = failure(events);
    assertThat(failure).isInstanceOf(AssertionError.class);
    return failure.getMessage();
  }

  @Test
  void aLeakedGoroutineFailsTheTestWithItsDump() {
    String message = failureMessage(run(Fixtures.Leaking.class));

    assertThat(message)
        .startsWith(
            "ShuttleLeakCheck: the test left 1 Shuttle goroutine running and 1 Shuttle span")
        .contains("\"" + Fixtures.leakedName.get() + "\"")
        .contains("[chan receive on jobs")
        .contains("trace " + Fixtures.leakedTrace.get())
        .contains("\"leaky-worker\"");
  }

  @Test
  void autoDetectionRegistersTheCheck() {
    String message =
        failureMessage(
            run(
                Fixtures.LeakingWithoutExtendWith.class,
                "junit.jupiter.extensions.autodetection.enabled",
                "true"));

    assertThat(message).contains("\"" + Fixtures.leakedName.get() + "\"");
  }

  @Test
  void withoutTheCheckALeakPasses() {
    run(Fixtures.LeakingWithoutExtendWith.class).assertStatistics(s -> s.succeeded(1).failed(0));
  }

  @Test
  void aCleanTestPasses() {
    run(Fixtures.Clean.class).assertStatistics(s -> s.succeeded(1).failed(0));
  }

  @Test
  void aGoroutineThatEndsWithinTheGracePasses() {
    run(Fixtures.EndsWithinGrace.class, ShuttleLeakCheck.GRACE_PARAMETER, "5s")
        .assertStatistics(s -> s.succeeded(1).failed(0));
  }

  @Test
  void aGraceOnTheClassWinsOverTheParameter() {
    String message =
        failureMessage(run(Fixtures.ShortGrace.class, ShuttleLeakCheck.GRACE_PARAMETER, "5s"));

    assertThat(message).contains("100 ms after it ended").contains("[context done");
  }

  @Test
  void anAllowedTestPasses() {
    run(Fixtures.Allowed.class).assertStatistics(s -> s.succeeded(1).failed(0));
  }

  @Test
  void anUnendedSpanFailsTheTest() {
    String message = failureMessage(run(Fixtures.UnendedSpan.class));

    String traceId = Fixtures.unended.get().getSpanContext().getTraceId();
    assertThat(message)
        .startsWith("ShuttleLeakCheck: the test left 1 Shuttle span open")
        .contains("Shuttle spans started during the test and not ended: 1")
        .contains("span \"forgotten\" trace " + traceId);
  }

  @Test
  void aGoroutineStartedInBeforeAllIsNotBlamed() {
    run(Fixtures.StartedInBeforeAll.class).assertStatistics(s -> s.succeeded(1).failed(0));
  }

  @Test
  void aBadGraceSaysHowToWriteIt() {
    Events events = run(Fixtures.Clean.class, ShuttleLeakCheck.GRACE_PARAMETER, "2 sec");

    assertThat(failure(events))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("shuttle.leakcheck.grace: cannot read '2 sec'")
        .hasMessageContaining("500ms, 2s, 1m or PT2S");
  }

  @Test
  void gracesParse() {
    assertThat(Graces.parse("500ms", "x")).isEqualTo(Duration.ofMillis(500));
    assertThat(Graces.parse(" 2s ", "x")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Graces.parse("1m", "x")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Graces.parse("PT1.5S", "x")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Graces.parse("0s", "x")).isZero();
  }
}
