package dev.shuttle.receiver.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.shuttle.receiver.OtlpJson;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Seed inputs for the fuzz tests: real exports and hand-built requests, the same on every run.
 *
 * <p>The real exports are the bytes the OpenTelemetry Java SDK's OTLP exporters send, protobuf and
 * JSON, made by the SDK's own request marshalers (the exporters' internal {@code
 * io.opentelemetry.exporter.internal.otlp} classes) from spans, metrics and logs recorded with a
 * fixed clock and fixed ids, so that every run seeds the fuzzer identically. The hand-built
 * requests fill in what an SDK rarely sends: every attribute value kind, summaries, exponential
 * histograms, exemplars, links, remote parents.
 *
 * <p>Thread-safety: stateless; each call builds new seeds.
 */
final class Seeds {
  private static final io.opentelemetry.sdk.resources.Resource RESOURCE =
      io.opentelemetry.sdk.resources.Resource.create(
          Attributes.of(
              AttributeKey.stringKey("service.name"), "checkout",
              AttributeKey.stringKey("telemetry.sdk.language"), "java"));
  private static final long EPOCH_NANOS = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z

  private Seeds() {}

  /** The three signals, each exported by the SDK and built by hand, as protobuf bytes. */
  static Stream<byte[]> protobuf() {
    return Stream.concat(
        sdkExports().stream().map(Marshalled::binary),
        builtRequests().stream().map(Message::toByteArray));
  }

  /** The three signals, each exported by the SDK and built by hand, as OTLP/JSON bytes. */
  static Stream<byte[]> json() {
    return Stream.concat(
        sdkExports().stream().map(Marshalled::json),
        builtRequests().stream()
            .map(request -> OtlpJson.print(request).getBytes(StandardCharsets.UTF_8)));
  }

  /** A request as the SDK exporters send it: protobuf, and the JSON of {@code exportAsJson}. */
  record Marshalled(String signal, ByteString binaryBytes, ByteString jsonBytes) {
    byte[] binary() {
      return binaryBytes.toByteArray();
    }

    byte[] json() {
      return jsonBytes.toByteArray();
    }
  }

  /** Records spans, metrics and logs with the SDK and marshals them as its exporters do. */
  static List<Marshalled> sdkExports() {
    FixedClock clock = new FixedClock();
    List<SpanData> spans = new ArrayList<>();
    CollectOnce metricReader = new CollectOnce();
    List<LogRecordData> logs = new ArrayList<>();
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setResource(RESOURCE)
            .setClock(clock)
            .setIdGenerator(new SequentialIds())
            .addSpanProcessor(SimpleSpanProcessor.create(collectingSpans(spans)))
            .build();
    SdkMeterProvider meterProvider =
        SdkMeterProvider.builder()
            .setResource(RESOURCE)
            .setClock(clock)
            .registerView(
                InstrumentSelector.builder().setName("payload.size").build(),
                View.builder()
                    .setAggregation(Aggregation.base2ExponentialBucketHistogram())
                    .build())
            // the SDK's exemplars carry the wall-clock time and a random pick: none here (the
            // hand-built requests have exemplars)
            .setExemplarFilter(ExemplarFilter.alwaysOff())
            .registerMetricReader(metricReader)
            .build();
    SdkLoggerProvider loggerProvider =
        SdkLoggerProvider.builder()
            .setResource(RESOURCE)
            .setClock(clock)
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(collectingLogs(logs)))
            .build();
    record(
        tracerProvider.get("shuttle.fuzz", "1.0.0"),
        meterProvider.get("shuttle.fuzz"),
        loggerProvider.get("shuttle.fuzz"));
    Collection<MetricData> metrics = metricReader.collect();
    tracerProvider.shutdown().join(10, TimeUnit.SECONDS);
    meterProvider.shutdown().join(10, TimeUnit.SECONDS);
    loggerProvider.shutdown().join(10, TimeUnit.SECONDS);
    return List.of(
        marshal("traces", TraceRequestMarshaler.create(spans)),
        marshal("metrics", MetricsRequestMarshaler.create(metrics)),
        marshal("logs", LogsRequestMarshaler.create(logs)));
  }

  private static void record(Tracer tracer, Meter meter, Logger logger) {
    LongCounter jobs = meter.counterBuilder("jobs.processed").setUnit("1").build();
    DoubleHistogram duration =
        meter.histogramBuilder("job.duration").setUnit("ms").setDescription("time per job").build();
    DoubleHistogram size = meter.histogramBuilder("payload.size").setUnit("By").build();
    meter
        .gaugeBuilder("queue.depth")
        .buildWithCallback(
            gauge -> gauge.record(3, Attributes.of(AttributeKey.stringKey("q"), "in")));
    meter
        .upDownCounterBuilder("workers.active")
        .build()
        .add(-2, Attributes.of(AttributeKey.longKey("pool"), 7L));

    SpanContext remoteParent =
        SpanContext.createFromRemoteParent(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getSampled(),
            TraceState.builder().put("vendor", "x").build());
    Span root =
        tracer
            .spanBuilder("POST /checkout")
            .setSpanKind(SpanKind.SERVER)
            .setParent(io.opentelemetry.context.Context.root().with(Span.wrap(remoteParent)))
            .setAttribute("http.route", "/checkout")
            .setAttribute("http.status_code", 500L)
            .setAttribute(AttributeKey.booleanArrayKey("flags"), List.of(true, false))
            .setAttribute(AttributeKey.doubleArrayKey("ratios"), List.of(0.5, -1.25e-7))
            .startSpan();
    try (Scope ignored = root.makeCurrent()) {
      Span child =
          tracer
              .spanBuilder("db.query")
              .setSpanKind(SpanKind.CLIENT)
              .addLink(remoteParent, Attributes.of(AttributeKey.stringKey("link"), "cause"))
              .startSpan();
      try (Scope inner = child.makeCurrent()) {
        jobs.add(42, Attributes.of(AttributeKey.stringKey("pool"), "io"));
        duration.record(12.5, Attributes.of(AttributeKey.stringKey("pool"), "io"));
        size.record(1536);
        size.record(0.25);
        logger
            .logRecordBuilder()
            .setSeverity(Severity.WARN)
            .setSeverityText("WARN")
            .setBody("slow query: 12 ms")
            .setAttribute(AttributeKey.stringArrayKey("tables"), List.of("orders", "lines"))
            .emit();
        child.addEvent("retry", Attributes.of(AttributeKey.longKey("attempt"), 2L));
        child.addEvent(
            "exception",
            Attributes.of(
                AttributeKey.stringKey("exception.type"), "java.sql.SQLTimeoutException",
                AttributeKey.stringKey("exception.stacktrace"), "at db.Query.run(Query.java:12)"));
        child.setStatus(StatusCode.ERROR, "timeout");
      } finally {
        child.end();
      }
      tracer.spanBuilder("publish").setSpanKind(SpanKind.PRODUCER).startSpan().end();
    } finally {
      root.setStatus(StatusCode.OK);
      root.end();
    }
    logger.logRecordBuilder().setSeverity(Severity.INFO).setBody("done").emit();
  }

  private static Marshalled marshal(String signal, Marshaler marshaler) {
    try {
      ByteArrayOutputStream binary = new ByteArrayOutputStream();
      marshaler.writeBinaryTo(binary);
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      marshaler.writeJsonTo(json);
      return new Marshalled(
          signal,
          ByteString.copyFrom(binary.toByteArray()),
          ByteString.copyFrom(json.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Requests built with the proto builders: what the SDK rarely or never sends. */
  static List<Message> builtRequests() {
    ByteString trace = id("5b8efff798038103d269b633813fc60c");
    KeyValue everyKind =
        attribute(
            "every.kind",
            AnyValue.newBuilder()
                .setKvlistValue(
                    KeyValueList.newBuilder()
                        .addValues(
                            attribute("s", AnyValue.newBuilder().setStringValue("v").build()))
                        .addValues(attribute("b", AnyValue.newBuilder().setBoolValue(true).build()))
                        .addValues(
                            attribute(
                                "i", AnyValue.newBuilder().setIntValue(Long.MIN_VALUE).build()))
                        .addValues(
                            attribute(
                                "d", AnyValue.newBuilder().setDoubleValue(Double.NaN).build()))
                        .addValues(
                            attribute(
                                "y",
                                AnyValue.newBuilder()
                                    .setBytesValue(ByteString.copyFrom(new byte[] {0, -1, 0x1b}))
                                    .build()))
                        .addValues(
                            attribute(
                                "a",
                                AnyValue.newBuilder()
                                    .setArrayValue(
                                        ArrayValue.newBuilder()
                                            .addValues(AnyValue.newBuilder().setIntValue(1))
                                            .addValues(AnyValue.getDefaultInstance()))
                                    .build())))
                .build());
    io.opentelemetry.proto.trace.v1.Span span =
        io.opentelemetry.proto.trace.v1.Span.newBuilder()
            .setTraceId(trace)
            .setSpanId(id("eee19b7ec3c1b174"))
            .setParentSpanId(id("eee19b7ec3c1b173"))
            .setTraceState("a=b")
            .setFlags(0x301)
            .setName("remote child")
            .setKindValue(99)
            .setStartTimeUnixNano(EPOCH_NANOS)
            .setEndTimeUnixNano(EPOCH_NANOS - 1)
            .addAttributes(everyKind)
            .setDroppedAttributesCount(3)
            .addEvents(
                io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
                    .setTimeUnixNano(-1)
                    .setName("exception")
                    .addAttributes(
                        attribute(
                            "exception.stacktrace",
                            AnyValue.newBuilder().setStringValue("at x\n\tat y").build())))
            .addLinks(
                io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
                    .setTraceId(id("0af7651916cd43dd8448eb211c80319c"))
                    .setSpanId(id("b7ad6b7169203331"))
                    .setFlags(0x100))
            .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.getDefaultInstance())
            .setStatus(
                Status.newBuilder()
                    .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                    .setMessage("failed"))
            .build();
    ExportTraceServiceRequest traces =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(
                                attribute(
                                    "service.name", AnyValue.newBuilder().setIntValue(5).build())))
                    .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
            .build();
    Exemplar exemplar =
        Exemplar.newBuilder()
            .setTraceId(trace)
            .setSpanId(id("eee19b7ec3c1b174"))
            .setTimeUnixNano(EPOCH_NANOS)
            .setAsInt(7)
            .addFilteredAttributes(
                attribute("k", AnyValue.newBuilder().setStringValue("v").build()))
            .build();
    ExportMetricsServiceRequest metrics =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("latency")
                                    .setSummary(
                                        Summary.newBuilder()
                                            .addDataPoints(
                                                SummaryDataPoint.newBuilder()
                                                    .setCount(-1L)
                                                    .setSum(Double.POSITIVE_INFINITY)
                                                    .addQuantileValues(
                                                        SummaryDataPoint.ValueAtQuantile
                                                            .newBuilder()
                                                            .setQuantile(0.99)
                                                            .setValue(-0.0)))))
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("size")
                                    .setExponentialHistogram(
                                        ExponentialHistogram.newBuilder()
                                            .setAggregationTemporalityValue(7)
                                            .addDataPoints(
                                                ExponentialHistogramDataPoint.newBuilder()
                                                    .setScale(-10)
                                                    .setCount(2)
                                                    .setZeroCount(1)
                                                    .setZeroThreshold(1e-300)
                                                    .setPositive(
                                                        ExponentialHistogramDataPoint.Buckets
                                                            .newBuilder()
                                                            .setOffset(Integer.MIN_VALUE)
                                                            .addBucketCounts(1))
                                                    .addExemplars(exemplar))))))
            .build();
    ExportLogsServiceRequest logs =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .addLogRecords(
                                LogRecord.newBuilder()
                                    .setTimeUnixNano(EPOCH_NANOS)
                                    .setSeverityNumber(
                                        io.opentelemetry.proto.logs.v1.SeverityNumber
                                            .SEVERITY_NUMBER_FATAL4)
                                    .setBody(everyKind.getValue())
                                    .setTraceId(trace)
                                    .setFlags(1)
                                    .setEventName("app.start"))))
            .build();
    return List.of(
        traces,
        metrics,
        logs,
        ExportTraceServiceRequest.getDefaultInstance(),
        ExportMetricsServiceRequest.getDefaultInstance(),
        ExportLogsServiceRequest.getDefaultInstance());
  }

  private static KeyValue attribute(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static SpanExporter collectingSpans(List<SpanData> into) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        into.addAll(spans);
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }

  /**
   * A metric reader that collects when asked, once: no background thread and none of the SDK's own
   * metrics about its readers, whose values are timings.
   */
  private static final class CollectOnce implements MetricReader {
    private CollectionRegistration registration = CollectionRegistration.noop();

    Collection<MetricData> collect() {
      return registration.collectAllMetrics();
    }

    @Override
    public void register(CollectionRegistration registration) {
      this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static LogRecordExporter collectingLogs(List<LogRecordData> into) {
    return new LogRecordExporter() {
      @Override
      public CompletableResultCode export(Collection<LogRecordData> logs) {
        into.addAll(logs);
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }

  /** A clock that starts at {@link #EPOCH_NANOS} and moves 1.5 ms per reading. */
  private static final class FixedClock implements Clock {
    private final AtomicLong nanos = new AtomicLong(EPOCH_NANOS);

    @Override
    public long now() {
      return nanos.addAndGet(1_500_000);
    }

    @Override
    public long nanoTime() {
      return nanos.addAndGet(1_500_000);
    }
  }

  /** Trace and span ids counting up from 1, so that every run exports the same bytes. */
  private static final class SequentialIds implements IdGenerator {
    private final AtomicLong next = new AtomicLong(0x1000);

    @Override
    public String generateSpanId() {
      return String.format("%016x", next.incrementAndGet());
    }

    @Override
    public String generateTraceId() {
      return String.format("%032x", next.incrementAndGet());
    }
  }
}
