package dev.shuttle.demo.browser;

import com.google.protobuf.ByteString;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The telemetry the viewer page is tested with, as OTLP protos put into a real {@link
 * TelemetryStore}: six traces of known shape (newest first: {@link #ERRGROUP}, {@link #CONSUMER},
 * {@link #PRODUCER}, {@link #HOSTILE}, {@link #POOL}, {@link #FAN_OUT}) and six metric instruments.
 * Times are relative to when the data is built, so that the newest trace is the one added last.
 *
 * <p>Not thread-safe; each test builds its own.
 */
final class ViewerPageTelemetry {
  static final String FAN_OUT = "d2d372245005e26ca141f2b84c39d819";
  static final String POOL = "3e250e05c8625d82b3606aacdbcf4fb5";
  static final String HOSTILE = "4842febcfd17fa4a818d879d06b2cb14";
  static final String PRODUCER = "aa9b71dbb04a7bdbf7d751e09a35dbf1";
  static final String CONSUMER = "6f958caf43a243aa887bf89ad0699c19";
  static final String ERRGROUP = "9107757a3b18f1f7720c40587ce77960";

  /** The traces newest first, as the list shows them. */
  static final List<String> NEWEST_FIRST =
      List.of(ERRGROUP, CONSUMER, PRODUCER, HOSTILE, POOL, FAN_OUT);

  /** Markup, quotes, a right-to-left override and a zero-width space, all of which must be text. */
  static final String SCRIPT = "<script>alert(1)</script>";

  static final String IMG = "\"><img src=x onerror=alert(1)>";
  static final String SVG = "<svg onload=alert(1)>";
  static final String QUOTES_RTL_ZERO_WIDTH =
      "it's \"quoted\" \u202Eevil\u202C and zero\u200Bwidth";

  /** The send span of {@link #PRODUCER}, which the consumer's span links to. */
  static final String SEND_SPAN = "aa9b71db00000002";

  /** The root span of {@link #CONSUMER}. */
  static final String CONSUMER_SPAN = "6f958caf00000001";

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private final long base;

  /** Telemetry whose oldest trace started about a minute ago. */
  ViewerPageTelemetry() {
    base = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - TimeUnit.MINUTES.toNanos(1);
  }

  /** Puts every trace into {@code store}. */
  void addTraces(TelemetryStore store) {
    store.addTraces(fanOut());
    store.addTraces(pool());
    store.addTraces(hostile());
    store.addTraces(producer());
    store.addTraces(consumer());
    store.addTraces(errGroup());
  }

  /**
   * A fan-out-fan-in (48 ms, 11 spans): a root, a fan-out, three workers each with two children.
   */
  ExportTraceServiceRequest fanOut() {
    Trace t = new Trace(FAN_OUT, base + 1000 * MS, "shuttle-demo");
    Span.Builder root = t.span("fan-out-fan-in", null, 0, 48.2);
    Span.Builder fan = t.span("fan-out", root, 0.4, 46);
    for (int i = 0; i < 3; i++) {
      double start = 1 + i * 0.3;
      Span.Builder worker = t.span("worker", fan, start, 30 + i * 6);
      worker.addAttributes(attr("worker.index", i));
      t.span("fetch", worker, start + 0.5, 20 + i * 3);
      t.span("parse", worker, 21 + i * 3, 29 + i * 6);
    }
    return t.request();
  }

  /**
   * A worker pool (31.6 ms): a root that submits six jobs to two workers of pool {@code orders};
   * five jobs waited in the queue ({@code job.queue_wait_ns}), job 5 failed.
   */
  ExportTraceServiceRequest pool() {
    Trace t = new Trace(POOL, base + 3000 * MS, "shuttle-demo");
    t.resource.addAttributes(attr("host.name", "pool-host"));
    Span.Builder root = t.span("worker-pool", null, 0, 31.6);
    // each worker's job starts (ms), then when its last job ended; all six were submitted at 0.2
    double[][] workers = {{0.2, 8, 18, 27}, {0.3, 12, 20, 25}};
    int job = 0;
    for (int w = 0; w < workers.length; w++) {
      double[] lane = workers[w];
      int workerId = w + 1;
      for (int i = 0; i + 1 < lane.length; i++) {
        job++;
        Span.Builder span = t.span("process-job", root, lane[i], lane[i + 1] - 0.1);
        span.addAttributes(attr("worker_pool.name", "orders"))
            .addAttributes(attr("worker.id", workerId))
            .addAttributes(attr("job.id", job))
            .addAttributes(attr("job.queue_wait_ns", Math.round((lane[i] - 0.2) * MS)))
            .addAttributes(attr("job.outcome", job == 5 ? "failure" : "success"));
        if (job == 5) {
          span.setStatus(
                  Status.newBuilder()
                      .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                      .setMessage("card declined for order 5"))
              .addEvents(
                  Span.Event.newBuilder()
                      .setName("exception")
                      .setTimeUnixNano(t.at(lane[i + 1] - 0.2))
                      .addAttributes(attr("exception.type", "PaymentException"))
                      .addAttributes(attr("exception.message", "card declined for order 5")));
        }
        if (i == 0) {
          t.span("charge card", span, lane[i] + 0.5, lane[i + 1] - 1);
        }
      }
    }
    return t.request();
  }

  /** Markup and odd characters everywhere a string is shown; links to traces never received. */
  ExportTraceServiceRequest hostile() {
    Trace t = new Trace(HOSTILE, base + 4000 * MS, IMG);
    t.scope.setName(SVG).setVersion(IMG);
    t.resource.addAttributes(attr("host.name", "<iframe src=javascript:alert(1)>"));
    Span.Builder root = t.span(SCRIPT, null, 0, 3.5);
    root.setStatus(
            Status.newBuilder()
                .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                .setMessage("<script>alert('status')</script>"))
        .addAttributes(attr("http.url", IMG))
        .addAttributes(attr("note", "<b>bold?</b> & " + QUOTES_RTL_ZERO_WIDTH))
        .addAttributes(attr("a".repeat(60), "x".repeat(400)))
        .addEvents(
            Span.Event.newBuilder()
                .setName("<img src=x onerror=alert('event')>")
                .setTimeUnixNano(t.at(1.2))
                .addAttributes(attr("k", IMG)))
        .addLinks(
            Span.Link.newBuilder()
                .setTraceId(bytes("0badc0de0badc0de0badc0de0badc0de"))
                .setSpanId(bytes("0123456789abcdef"))
                .addAttributes(attr("evil", IMG)))
        .addLinks(
            Span.Link.newBuilder()
                .setTraceId(bytes("df2e40a77620cc341030da35e24b8fe1"))
                .setSpanId(bytes("1fda78978a53e6ff")));
    t.span("x".repeat(180) + " very long span name " + QUOTES_RTL_ZERO_WIDTH, root, 0.5, 2.5)
        .addAttributes(attr("key", IMG));
    return t.request();
  }

  /** A producer: {@code publish orders} and its {@code send orders} span. */
  ExportTraceServiceRequest producer() {
    Trace t = new Trace(PRODUCER, base + 5000 * MS, "order-service");
    Span.Builder root =
        t.span("publish orders", null, 0, 2.4).setKind(Span.SpanKind.SPAN_KIND_PRODUCER);
    t.span("send orders", root, 0.3, 1.2)
        .setKind(Span.SpanKind.SPAN_KIND_PRODUCER)
        .addAttributes(attr("messaging.operation.type", "send"));
    return t.request();
  }

  /**
   * A consumer whose root links to {@link #SEND_SPAN} and to a span never received, and a span
   * whose parent never arrived.
   */
  ExportTraceServiceRequest consumer() {
    Trace t = new Trace(CONSUMER, base + 5004 * MS, "billing-service");
    Span.Builder root =
        t.span("process orders", null, 0, 12.8)
            .setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
            .addLinks(
                Span.Link.newBuilder()
                    .setTraceId(bytes(PRODUCER))
                    .setSpanId(bytes(SEND_SPAN))
                    .addAttributes(attr("messaging.operation", "receive")))
            .addLinks(
                Span.Link.newBuilder()
                    .setTraceId(bytes("df2e40a77620cc341030da35e24b8fe1"))
                    .setSpanId(bytes("1fda78978a53e6ff")));
    t.span("bill customer", root, 1.1, 12).addAttributes(attr("customer.id", 1042));
    t.span("late retry", null, 13.2, 15.3).setParentSpanId(bytes("6c9e98442ac41e80"));
    return t.request();
  }

  /** An ErrGroup whose second task failed (21 ms). */
  ExportTraceServiceRequest errGroup() {
    Trace t = new Trace(ERRGROUP, base + 6000 * MS, "shuttle-demo");
    Span.Builder root = t.span("errgroup-fetch", null, 0, 21);
    for (int i = 1; i <= 3; i++) {
      Span.Builder task = t.span("fetch-task-" + i, root, 0.2 * i, 8 + i * 4);
      if (i == 2) {
        task.setStatus(
            Status.newBuilder()
                .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                .setMessage("upstream timed out"));
      }
    }
    return t.request();
  }

  /** A trace started now, for the list to show live. */
  static ExportTraceServiceRequest arrivingNow(String traceId, String name) {
    Trace t =
        new Trace(
            traceId, TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()), "late-service");
    t.span(name, null, 0, 3);
    return t.request();
  }

  /**
   * Six instruments: of service {@code shuttle-demo}, with points every ten seconds for the last
   * minute, a counter of jobs by outcome (a rate), an up-down counter and a gauge (lines) and a
   * histogram of job durations (percentiles); a counter with a single point without a start time
   * (whose rate needs a second point); and a gauge whose names are markup.
   */
  ExportMetricsServiceRequest metrics() {
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    long start = now - TimeUnit.SECONDS.toNanos(60);
    Sum.Builder jobs =
        Sum.newBuilder()
            .setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    Sum.Builder active =
        Sum.newBuilder()
            .setIsMonotonic(false)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    Gauge.Builder queue = Gauge.newBuilder();
    Histogram.Builder durations =
        Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    Gauge.Builder hostile = Gauge.newBuilder();
    for (int i = 1; i <= 6; i++) {
      long at = start + TimeUnit.SECONDS.toNanos(10L * i);
      jobs.addDataPoints(point(start, at, 40L * i).addAttributes(attr("job.outcome", "success")));
      jobs.addDataPoints(point(start, at, 3L * i).addAttributes(attr("job.outcome", "failure")));
      active.addDataPoints(point(start, at, i % 3));
      queue.addDataPoints(point(start, at, 10 - i));
      durations.addDataPoints(
          HistogramDataPoint.newBuilder()
              .setStartTimeUnixNano(start)
              .setTimeUnixNano(at)
              .addAllExplicitBounds(List.of(0.005, 0.01, 0.025, 0.05, 0.1))
              .addAllBucketCounts(List.of(2L * i, 10L * i, 20L * i, 6L * i, 2L * i, 0L))
              .setCount(40L * i)
              .setSum(0.9 * i));
      hostile.addDataPoints(point(start, at, i));
    }
    ScopeMetrics.Builder shuttle =
        ScopeMetrics.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("dev.shuttle"))
            .addMetrics(
                metric(
                        "worker_pool.jobs_processed",
                        "Jobs a pool has finished, by outcome.",
                        "{job}")
                    .setSum(jobs))
            .addMetrics(
                metric("worker_pool.active_workers", "Workers running a job now.", "{worker}")
                    .setSum(active))
            .addMetrics(
                metric("worker_pool.queue.size", "Jobs waiting in the queue.", "{job}")
                    .setGauge(queue))
            .addMetrics(
                metric("worker_pool.job_duration", "How long a job ran.", "s")
                    .setHistogram(durations))
            .addMetrics(
                metric(
                        "shuttle.goroutine.uncaught_failures",
                        "Goroutine failures nobody joined.",
                        "{failure}")
                    .setSum(
                        Sum.newBuilder()
                            .setIsMonotonic(true)
                            .setAggregationTemporality(
                                AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                            .addDataPoints(point(0, now, 1)))); // no start time: no rate yet
    ScopeMetrics.Builder evil =
        ScopeMetrics.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName(SVG))
            .addMetrics(
                metric("<img src=x onerror=alert(1)>", "<script>alert('desc')</script>", "<b>u</b>")
                    .setGauge(hostile));
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource("shuttle-demo"))
                .addScopeMetrics(shuttle))
        .addResourceMetrics(
            ResourceMetrics.newBuilder().setResource(resource(IMG)).addScopeMetrics(evil))
        .build();
  }

  private static Metric.Builder metric(String name, String description, String unit) {
    return Metric.newBuilder().setName(name).setDescription(description).setUnit(unit);
  }

  private static NumberDataPoint.Builder point(long start, long at, long value) {
    return NumberDataPoint.newBuilder()
        .setStartTimeUnixNano(start)
        .setTimeUnixNano(at)
        .setAsInt(value);
  }

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  static ByteString bytes(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static Resource.Builder resource(String service) {
    return Resource.newBuilder().addAttributes(attr("service.name", service));
  }

  /**
   * One service's spans of one trace: span ids are the trace id's first eight digits and a count
   * from 1, times are milliseconds from the trace's start.
   */
  private static final class Trace {
    final String traceId;
    final long start;
    final Resource.Builder resource;
    final InstrumentationScope.Builder scope =
        InstrumentationScope.newBuilder().setName("dev.shuttle").setVersion("0.2.0-SNAPSHOT");
    final List<Span.Builder> spans = new ArrayList<>();

    Trace(String traceId, long start, String service) {
      this.traceId = traceId;
      this.start = start;
      this.resource = resource(service);
    }

    long at(double millis) {
      return start + Math.round(millis * MS);
    }

    Span.Builder span(String name, Span.Builder parent, double startMs, double endMs) {
      String spanId = traceId.substring(0, 8) + String.format("%08x", spans.size() + 1);
      Span.Builder span =
          Span.newBuilder()
              .setTraceId(bytes(traceId))
              .setSpanId(bytes(spanId))
              .setName(name)
              .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
              .setStartTimeUnixNano(at(startMs))
              .setEndTimeUnixNano(at(endMs));
      if (parent != null) {
        span.setParentSpanId(parent.getSpanId());
      }
      spans.add(span);
      return span;
    }

    ExportTraceServiceRequest request() {
      ScopeSpans.Builder scopeSpans = ScopeSpans.newBuilder().setScope(scope);
      spans.forEach(scopeSpans::addSpans);
      return ExportTraceServiceRequest.newBuilder()
          .addResourceSpans(
              ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scopeSpans))
          .build();
    }
  }
}
