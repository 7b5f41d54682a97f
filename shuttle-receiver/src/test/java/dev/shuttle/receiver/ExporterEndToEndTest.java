package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The OpenTelemetry Java OTLP exporters send to the receiver over real sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExporterEndToEndTest {
  private static final Resource RESOURCE =
      Resource.getDefault().merge(Resource.builder().put("service.name", "e2e").build());

  private OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start(ReceiverConfig.builder().httpPort(0).grpcPort(0).build());
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void spansOverGrpcArriveIntact() throws Exception {
    SpanExporter exporter =
        OtlpGrpcSpanExporter.builder().setEndpoint(receiver.grpcEndpoint()).build();
    sendSpansAndCheck(exporter);
  }

  @Test
  void spansOverGrpcWithGzipArriveIntact() throws Exception {
    SpanExporter exporter =
        OtlpGrpcSpanExporter.builder()
            .setEndpoint(receiver.grpcEndpoint())
            .setCompression("gzip")
            .build();
    sendSpansAndCheck(exporter);
  }

  @Test
  void spansOverHttpArriveIntact() throws Exception {
    SpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(receiver.httpEndpoint() + "/v1/traces").build();
    sendSpansAndCheck(exporter);
  }

  @Test
  void spansOverHttpWithGzipArriveIntact() throws Exception {
    SpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(receiver.httpEndpoint() + "/v1/traces")
            .setCompression("gzip")
            .build();
    sendSpansAndCheck(exporter);
  }

  @Test
  void metricsOverGrpcArriveIntact() {
    sendMetricsAndCheck(
        OtlpGrpcMetricExporter.builder().setEndpoint(receiver.grpcEndpoint()).build());
  }

  @Test
  void metricsOverHttpArriveIntact() {
    sendMetricsAndCheck(
        OtlpHttpMetricExporter.builder()
            .setEndpoint(receiver.httpEndpoint() + "/v1/metrics")
            .build());
  }

  private void sendSpansAndCheck(SpanExporter exporter) throws InterruptedException {
    SpanContext linked;
    SpanContext rootContext;
    SpanContext childContext;
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(RESOURCE)
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build()) {
      Tracer tracer = provider.get("e2e-test", "1.2.3");
      Span other = tracer.spanBuilder("other").startSpan();
      linked = other.getSpanContext();
      other.end();

      Span root =
          tracer
              .spanBuilder("checkout")
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.route", "/pay")
              .setAttribute("retries", 3L)
              .startSpan();
      rootContext = root.getSpanContext();
      {
        Span child =
            tracer
                .spanBuilder("db.query")
                .setParent(Context.current().with(root))
                .setSpanKind(SpanKind.CLIENT)
                .addLink(linked, Attributes.of(AttributeKey.stringKey("why"), "batch"))
                .startSpan();
        childContext = child.getSpanContext();
        child.addEvent("rows", Attributes.of(AttributeKey.longKey("count"), 7L));
        child.recordException(new IllegalStateException("boom"));
        child.setStatus(StatusCode.ERROR, "query failed");
        child.end();
      }
      root.setStatus(StatusCode.OK);
      root.end();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    assertThat(receiver.store().awaitSpans(3, Duration.ofSeconds(10))).isTrue();
    TelemetryStore store = receiver.store();
    assertThat(store.spanCount()).isEqualTo(3);

    StoredTrace trace = store.trace(rootContext.getTraceId()).orElseThrow();
    assertThat(trace.spans()).hasSize(2);
    Map<String, StoredSpan> byName =
        trace.spans().stream().collect(Collectors.toMap(StoredSpan::name, Function.identity()));

    StoredSpan root = Objects.requireNonNull(byName.get("checkout"));
    assertThat(root.spanId()).isEqualTo(rootContext.getSpanId());
    assertThat(root.isRoot()).isTrue();
    assertThat(root.serviceName()).isEqualTo("e2e");
    assertThat(root.scope().getName()).isEqualTo("e2e-test");
    assertThat(root.scope().getVersion()).isEqualTo("1.2.3");
    assertThat(root.span().getKind())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(root.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_OK);
    assertThat(attributes(root.span().getAttributesList()))
        .containsEntry("http.route", "/pay")
        .containsEntry("retries", "3");

    StoredSpan child = Objects.requireNonNull(byName.get("db.query"));
    assertThat(child.spanId()).isEqualTo(childContext.getSpanId());
    assertThat(child.traceId()).isEqualTo(rootContext.getTraceId());
    assertThat(child.parentSpanId()).isEqualTo(rootContext.getSpanId());
    assertThat(child.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(child.span().getStatus().getMessage()).isEqualTo("query failed");
    assertThat(child.span().getEventsList())
        .extracting(io.opentelemetry.proto.trace.v1.Span.Event::getName)
        .containsExactly("rows", "exception");
    assertThat(attributes(child.span().getEvents(0).getAttributesList()))
        .containsEntry("count", "7");
    assertThat(attributes(child.span().getEvents(1).getAttributesList()))
        .containsEntry("exception.type", "java.lang.IllegalStateException")
        .containsEntry("exception.message", "boom");
    assertThat(child.span().getLinksList()).hasSize(1);
    io.opentelemetry.proto.trace.v1.Span.Link link = child.span().getLinks(0);
    assertThat(Ids.hex(link.getTraceId())).isEqualTo(linked.getTraceId());
    assertThat(Ids.hex(link.getSpanId())).isEqualTo(linked.getSpanId());
    assertThat(attributes(link.getAttributesList())).containsEntry("why", "batch");

    assertThat(store.spansByName("other"))
        .singleElement()
        .extracting(StoredSpan::spanId)
        .isEqualTo(linked.getSpanId());
    assertThat(store.tracesByService("e2e")).hasSize(2);
    assertThat(store.tracesByService("nobody")).isEmpty();
  }

  private void sendMetricsAndCheck(MetricExporter exporter) {
    try (SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(RESOURCE)
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
            .build()) {
      Meter meter = provider.get("e2e-metrics");
      LongCounter counter = meter.counterBuilder("jobs.processed").setUnit("1").build();
      counter.add(5, Attributes.of(AttributeKey.stringKey("pool"), "io"));
      counter.add(2, Attributes.of(AttributeKey.stringKey("pool"), "cpu"));
      meter
          .gaugeBuilder("queue.depth")
          .ofLongs()
          .buildWithCallback(m -> m.record(11, Attributes.of(AttributeKey.stringKey("q"), "a")));
      DoubleHistogram histogram = meter.histogramBuilder("job.duration").setUnit("ms").build();
      histogram.record(1.5);
      histogram.record(2.5);
      histogram.record(6.0);
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    TelemetryStore store = receiver.store();
    Metric sum = store.metricsByName("jobs.processed").getFirst();
    assertThat(sum.hasSum()).isTrue();
    assertThat(sum.getUnit()).isEqualTo("1");
    assertThat(sum.getSum().getIsMonotonic()).isTrue();
    assertThat(sum.getSum().getDataPointsList())
        .extracting(p -> attributes(p.getAttributesList()).get("pool") + "=" + p.getAsInt())
        .containsExactlyInAnyOrder("io=5", "cpu=2");

    Metric gauge = store.metricsByName("queue.depth").getFirst();
    assertThat(gauge.hasGauge()).isTrue();
    assertThat(gauge.getGauge().getDataPoints(0).getAsInt()).isEqualTo(11);

    Metric hist = store.metricsByName("job.duration").getFirst();
    assertThat(hist.hasHistogram()).isTrue();
    assertThat(hist.getHistogram().getDataPoints(0).getCount()).isEqualTo(3);
    assertThat(hist.getHistogram().getDataPoints(0).getSum()).isEqualTo(10.0);
    assertThat(store.dataPointCount()).isGreaterThanOrEqualTo(4);
  }

  static Map<String, String> attributes(List<KeyValue> attributes) {
    return attributes.stream()
        .collect(
            Collectors.toMap(
                KeyValue::getKey,
                kv ->
                    kv.getValue().hasStringValue()
                        ? kv.getValue().getStringValue()
                        : kv.getValue().hasIntValue()
                            ? Long.toString(kv.getValue().getIntValue())
                            : kv.getValue().toString().trim()));
  }
}
