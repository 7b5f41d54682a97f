package dev.shuttle.receiver.render;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.receiver.MetricListener;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link MetricListener} that prints the metrics applications send, without flooding: only the
 * data points whose value changed since they were last printed (a series is a service, scope,
 * metric and attribute set), and at most one block every {@link #EVERY}. Changes that arrive sooner
 * wait for the next metrics request after that, or for {@link #flush()}, which a command calls when
 * it stops; a series that changes several times in between is printed once, with its latest value.
 * A block is headed {@code -- metrics} and rendered by {@link MetricsRenderer}.
 *
 * <pre>
 * -- metrics
 * service shop
 *   requests.count  sum monotonic cumulative  unit {request}
 *     {route=/pay} 42
 * </pre>
 *
 * <p>A point of a delta metric holds what happened since the previous export; it is printed when it
 * differs from the last one printed, like any other.
 *
 * <p>Implementation note: {@code lock} guards what was printed of each series and what waits to be
 * printed (at most {@link #MAX_SERIES} series each, the least recently seen forgotten first) and
 * the time of the last block; a batch is compared, recorded, and a block rendered and printed under
 * it, so two receiver threads never print one change twice nor interleave their blocks.
 *
 * <p>Thread-safety: safe to be called by several receiver threads at once.
 */
public final class MetricsPrinter implements MetricListener {
  /** The least time between two blocks. */
  public static final Duration EVERY = Duration.ofSeconds(10);

  /** How many series are remembered. */
  static final int MAX_SERIES = 10_000;

  private final PrintStream out;
  private final MetricsRenderer renderer;
  private final MetricsRenderer plain = MetricsRenderer.plain();
  private final LongSupplier nanoTime;
  private final ReentrantLock lock = new ReentrantLock();

  /** One series: the data points with these attributes of one metric of one scope and service. */
  private record Series(
      Resource resource, InstrumentationScope scope, String metric, List<KeyValue> attributes) {}

  /** A data point: its series, the metric with that point alone, and its text to compare. */
  private record Change(Series series, Metric metric, String text) {}

  @GuardedBy("lock")
  private final Map<Series, String> printed = new LinkedHashMap<>(16, 0.75f, true);

  @GuardedBy("lock")
  private final Map<Series, Change> pending = new LinkedHashMap<>();

  @GuardedBy("lock")
  private boolean everPrinted;

  @GuardedBy("lock")
  private long lastPrintedNanos;

  private MetricsPrinter(PrintStream out, MetricsRenderer renderer, LongSupplier nanoTime) {
    this.out = out;
    this.renderer = renderer;
    this.nanoTime = nanoTime;
  }

  /**
   * Creates a printer; register it with {@link TelemetryStore#addMetricListener}, and call {@link
   * #flush()} when done so that the last changes are printed too.
   *
   * {@snippet :
   * MetricsPrinter metrics = MetricsPrinter.create(System.out, MetricsRenderer.create(false));
   * store.addMetricListener(metrics);
   * // ... later, when stopping
   * metrics.flush();
   * }
   *
   * @param out where to print
   * @param renderer how to render metrics
   * @return the printer
   */
  public static MetricsPrinter create(PrintStream out, MetricsRenderer renderer) {
    return create(out, renderer, System::nanoTime);
  }

  /** As {@link #create(PrintStream, MetricsRenderer)} with a clock, for tests. */
  static MetricsPrinter create(PrintStream out, MetricsRenderer renderer, LongSupplier nanoTime) {
    return new MetricsPrinter(
        Objects.requireNonNull(out, "out"),
        Objects.requireNonNull(renderer, "renderer"),
        Objects.requireNonNull(nanoTime, "nanoTime"));
  }

  @Override
  public void onMetrics(List<ResourceMetrics> batches) {
    List<Change> changes = changes(batches);
    lock.lock();
    try {
      for (Change change : changes) {
        Series series = change.series();
        if (change.text().equals(printed.get(series))) {
          pending.remove(series); // back to what was printed
        } else {
          pending.remove(series); // keeps the order of the latest change
          pending.put(series, change);
        }
      }
      Iterator<Series> eldest = pending.keySet().iterator();
      while (pending.size() > MAX_SERIES) {
        eldest.next();
        eldest.remove();
      }
      long now = nanoTime.getAsLong();
      if (!everPrinted || now - lastPrintedNanos >= EVERY.toNanos()) {
        printPending(now);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Prints the changes not printed yet, if any, at once. */
  public void flush() {
    lock.lock();
    try {
      printPending(nanoTime.getAsLong());
    } finally {
      lock.unlock();
    }
  }

  @GuardedBy("lock")
  private void printPending(long now) {
    if (pending.isEmpty()) {
      return;
    }
    // by service, scope and metric, in the order they first changed; a metric's points together
    Map<Resource, Map<InstrumentationScope, Map<String, Metric.Builder>>> grouped =
        new LinkedHashMap<>();
    for (Map.Entry<Series, Change> entry : pending.entrySet()) {
      Series series = entry.getKey();
      Change change = entry.getValue();
      grouped
          .computeIfAbsent(series.resource(), r -> new LinkedHashMap<>())
          .computeIfAbsent(series.scope(), s -> new LinkedHashMap<>())
          .computeIfAbsent(series.metric(), m -> Metric.newBuilder())
          .mergeFrom(change.metric()); // appends the point to those of the same metric
      printed.put(series, change.text());
    }
    List<ResourceMetrics> block = new ArrayList<>();
    grouped.forEach(
        (resource, scopes) -> {
          ResourceMetrics.Builder batch = ResourceMetrics.newBuilder().setResource(resource);
          scopes.forEach(
              (scope, metrics) -> {
                ScopeMetrics.Builder scopeMetrics = ScopeMetrics.newBuilder().setScope(scope);
                metrics.values().forEach(scopeMetrics::addMetrics);
                batch.addScopeMetrics(scopeMetrics);
              });
          block.add(batch.build());
        });
    Iterator<Series> eldest = printed.keySet().iterator();
    while (printed.size() > MAX_SERIES) {
      eldest.next();
      eldest.remove();
    }
    pending.clear();
    everPrinted = true;
    lastPrintedNanos = now;
    out.print("-- metrics\n" + renderer.render(block));
    out.flush();
  }

  /** Splits the batches into one change per data point, each a metric with that point alone. */
  private List<Change> changes(List<ResourceMetrics> batches) {
    List<Change> changes = new ArrayList<>();
    for (ResourceMetrics batch : batches) {
      for (ScopeMetrics scope : batch.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          for (Metric onePoint : onePointEach(metric)) {
            Series series =
                new Series(
                    batch.getResource(),
                    scope.getScope(),
                    metric.getName(),
                    List.copyOf(attributes(onePoint)));
            changes.add(new Change(series, onePoint, plain.render(onePoint)));
          }
        }
      }
    }
    return changes;
  }

  /** The metric once per data point, with that point alone. */
  private static List<Metric> onePointEach(Metric metric) {
    List<Metric> each = new ArrayList<>();
    switch (metric.getDataCase()) {
      case GAUGE ->
          metric.getGauge().getDataPointsList().stream()
              .map(
                  p ->
                      metric.toBuilder()
                          .setGauge(
                              metric.getGauge().toBuilder().clearDataPoints().addDataPoints(p))
                          .build())
              .forEach(each::add);
      case SUM ->
          metric.getSum().getDataPointsList().stream()
              .map(
                  p ->
                      metric.toBuilder()
                          .setSum(metric.getSum().toBuilder().clearDataPoints().addDataPoints(p))
                          .build())
              .forEach(each::add);
      case HISTOGRAM ->
          metric.getHistogram().getDataPointsList().stream()
              .map(
                  p ->
                      metric.toBuilder()
                          .setHistogram(
                              metric.getHistogram().toBuilder().clearDataPoints().addDataPoints(p))
                          .build())
              .forEach(each::add);
      case EXPONENTIAL_HISTOGRAM ->
          metric.getExponentialHistogram().getDataPointsList().stream()
              .map(
                  p ->
                      metric.toBuilder()
                          .setExponentialHistogram(
                              metric.getExponentialHistogram().toBuilder()
                                  .clearDataPoints()
                                  .addDataPoints(p))
                          .build())
              .forEach(each::add);
      case SUMMARY ->
          metric.getSummary().getDataPointsList().stream()
              .map(
                  p ->
                      metric.toBuilder()
                          .setSummary(
                              metric.getSummary().toBuilder().clearDataPoints().addDataPoints(p))
                          .build())
              .forEach(each::add);
      case DATA_NOT_SET -> {}
    }
    return each;
  }

  /** The attributes of the only data point of {@code metric}. */
  private static List<KeyValue> attributes(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPoints(0).getAttributesList();
      case SUM -> metric.getSum().getDataPoints(0).getAttributesList();
      case HISTOGRAM -> metric.getHistogram().getDataPoints(0).getAttributesList();
      case EXPONENTIAL_HISTOGRAM ->
          metric.getExponentialHistogram().getDataPoints(0).getAttributesList();
      case SUMMARY -> metric.getSummary().getDataPoints(0).getAttributesList();
      case DATA_NOT_SET -> List.of();
    };
  }
}
