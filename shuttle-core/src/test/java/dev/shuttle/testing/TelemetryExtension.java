package dev.shuttle.testing;

import dev.shuttle.telemetry.ShuttleTelemetry;
import dev.shuttle.test.ShuttleLeakCheck;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one way a Shuttle test gets OpenTelemetry: an in-memory SDK ({@code
 * opentelemetry-sdk-testing}'s span exporter, metric reader and log exporter) installed as
 * Shuttle's for one test, and read back afterwards; Shuttle goes back to the global instance when
 * the test ends.
 *
 * {@snippet :
 * @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();
 *
 * @Test
 * void recordsASpan() throws Exception {
 *   Span parent = telemetry.tracer().spanBuilder("request").startSpan();
 *   ...
 *   assertThat(telemetry.span("process-task")).hasParentSpanId(parent.getSpanContext().getSpanId());
 *   assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_STARTED)).isEqualTo(1);
 *   Waits.until(() -> telemetry.longSum(ShuttleMetricNames.GOROUTINES_ACTIVE) == 0);
 * }
 * }
 *
 * <p>The SDK also feeds {@link ShuttleLeakCheck}'s span tracker, so a Shuttle span left open fails
 * the test. OpenTelemetry's own {@code OpenTelemetryExtension} is not used because it installs the
 * global instance and takes no extra span processor.
 *
 * <p>Register it as an instance field: each test gets a fresh SDK. Reads are thread-safe (the
 * in-memory exporters are), so a test may read while Shuttle's threads still record.
 */
public final class TelemetryExtension implements BeforeEachCallback, AfterEachCallback {
  private InMemorySpanExporter spans = InMemorySpanExporter.create();
  private InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();
  private OpenTelemetrySdk sdk = build();

  private OpenTelemetrySdk build() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(ShuttleLeakCheck.spanProcessor())
                .addSpanProcessor(new CountingProcessor())
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .setLoggerProvider(
            SdkLoggerProvider.builder()
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(logs))
                .build())
        .build();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    logs = InMemoryLogRecordExporter.create();
    started.set(0);
    ended.set(0);
    sdk = build();
    ShuttleTelemetry.use(sdk);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    ShuttleTelemetry.useGlobal();
    sdk.close();
  }

  // ---------------------------------------------------------------- providers

  /** The SDK Shuttle records to during the test. */
  public OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** A tracer of the test's SDK, for the test's own spans (a request, a parent). */
  public Tracer tracer() {
    return sdk.getTracer("test");
  }

  /** A meter of the test's SDK, for instruments the test creates (as {@code ConcurrentMetrics}). */
  public Meter meter() {
    return sdk.getMeter("test");
  }

  // ---------------------------------------------------------------- spans

  /** Every span ended so far, in the order they ended. */
  public List<SpanData> spans() {
    return spans.getFinishedSpanItems();
  }

  /** The ended spans named {@code name}, in the order they ended. */
  public List<SpanData> spans(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).toList();
  }

  /** The one ended span named {@code name}; fails if there is not exactly one. */
  public SpanData span(String name) {
    List<SpanData> named = spans(name);
    if (named.size() != 1) {
      throw new AssertionError("expected one span named " + name + ", got " + spans());
    }
    return named.getFirst();
  }

  /** The number of spans started so far, ended or not. */
  public int startedSpans() {
    return started.get();
  }

  /** The number of spans ended so far. */
  public int endedSpans() {
    return ended.get();
  }

  // ---------------------------------------------------------------- logs

  /** Every log record (and event) emitted so far. */
  public List<LogRecordData> logRecords() {
    return logs.getFinishedLogRecordItems();
  }

  /** The events named {@code eventName} emitted so far. */
  public List<LogRecordData> events(String eventName) {
    return logRecords().stream().filter(r -> eventName.equals(r.getEventName())).toList();
  }

  // ---------------------------------------------------------------- metrics

  /** Every metric collected now. */
  public List<MetricData> collectMetrics() {
    return List.copyOf(metrics.collectAllMetrics());
  }

  /** The metric named {@code name} collected now, if it has been recorded. */
  public Optional<MetricData> metric(String name) {
    return collectMetrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  /** The sum of a long counter's points whose attribute {@code key} equals {@code value}. */
  public long longSum(String metricName, AttributeKey<String> key, String value) {
    return longPoints(metricName).stream()
        .filter(p -> value.equals(p.getAttributes().get(key)))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  /** The sum of all points of a long counter or up-down counter, 0 if it has none. */
  public long longSum(String metricName) {
    return longPoints(metricName).stream().mapToLong(LongPointData::getValue).sum();
  }

  /**
   * The value of the long counter, up-down counter or gauge point with exactly {@code attributes};
   * fails if the metric was never recorded, 0 if it has no such point.
   */
  public long longValue(String metricName, Attributes attributes) {
    MetricData metric = required(metricName);
    Collection<LongPointData> points =
        switch (metric.getType()) {
          case LONG_SUM -> metric.getLongSumData().getPoints();
          case LONG_GAUGE -> metric.getLongGaugeData().getPoints();
          default -> throw new AssertionError("not a long counter or gauge: " + metric);
        };
    return points.stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  /**
   * The value of the double counter or gauge point with exactly {@code attributes}; fails if the
   * metric was never recorded, 0 if it has no such point.
   */
  public double doubleValue(String metricName, Attributes attributes) {
    MetricData metric = required(metricName);
    Collection<DoublePointData> points =
        switch (metric.getType()) {
          case DOUBLE_GAUGE -> metric.getDoubleGaugeData().getPoints();
          case DOUBLE_SUM -> metric.getDoubleSumData().getPoints();
          default -> throw new AssertionError("not a double metric: " + metric);
        };
    return points.stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .mapToDouble(DoublePointData::getValue)
        .sum();
  }

  /** The points of a histogram, none if it was never recorded. */
  public List<HistogramPointData> histogramPoints(String metricName) {
    return metric(metricName)
        .map(m -> List.copyOf(m.getHistogramData().getPoints()))
        .orElse(List.of());
  }

  /** The number of recordings of a histogram whose attribute {@code key} equals {@code value}. */
  public long histogramCount(String metricName, AttributeKey<String> key, String value) {
    return histogramPoints(metricName).stream()
        .filter(p -> value.equals(p.getAttributes().get(key)))
        .mapToLong(HistogramPointData::getCount)
        .sum();
  }

  private MetricData required(String metricName) {
    return metric(metricName).orElseThrow(() -> new AssertionError("no metric " + metricName));
  }

  private List<LongPointData> longPoints(String metricName) {
    return metric(metricName)
        .map(m -> List.copyOf(m.getLongSumData().getPoints()))
        .orElse(List.of());
  }

  /** Counts started and ended spans, so a test can see that every span it started ended. */
  private final class CountingProcessor implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      started.incrementAndGet();
    }

    @Override
    public boolean isStartRequired() {
      return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ended.incrementAndGet();
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }
}
