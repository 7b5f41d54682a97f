package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.scenario.Scenario;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
import java.util.Optional;

/**
 * What one scenario sent over real OTLP: the scenario runs against the OpenTelemetry SDK whose OTLP
 * exporter talks to the embedded receiver over a loopback socket, exactly as {@code shuttle demo}
 * does; the assertions read the receiver's store.
 */
public final class OtlpRun {
  private final List<StoredTrace> traces;
  private final TelemetryStore store;

  private OtlpRun(List<StoredTrace> traces, TelemetryStore store) {
    this.traces = traces;
    this.store = store;
  }

  /** Runs {@code scenario}, exporting with {@code protocol}, and returns what was received. */
  public static OtlpRun of(Scenario scenario, OtlpProtocol protocol) throws Exception {
    try (DemoSession session = DemoSession.embedded(protocol)) {
      ShuttleTelemetry.use(session.openTelemetry());
      try {
        scenario.run(
            session.openTelemetry(), new PrintWriter(Writer.nullWriter()), session.exportTarget());
      } finally {
        ShuttleTelemetry.useGlobal();
      }
      // every span the scenario ended, counted in-process, arrived over OTLP
      assertThat(session.awaitExport()).as("what the export is missing").isNull();
      TelemetryStore store = session.store().orElseThrow();
      return new OtlpRun(store.traces(), store);
    }
  }

  public List<StoredTrace> traces() {
    return traces;
  }

  /** Every span named {@code name}. */
  public List<StoredSpan> spans(String name) {
    return traces.stream()
        .flatMap(t -> t.spans().stream())
        .filter(s -> s.name().equals(name))
        .toList();
  }

  /** The one span named {@code name}. */
  public StoredSpan span(String name) {
    List<StoredSpan> named = spans(name);
    assertThat(named).as("spans named %s", name).hasSize(1);
    return named.getFirst();
  }

  /** The spans whose parent is {@code parent}. */
  public List<StoredSpan> children(StoredSpan parent) {
    return traces.stream()
        .flatMap(t -> t.spans().stream())
        .filter(s -> s.traceId().equals(parent.traceId()))
        .filter(s -> s.parentSpanId().equals(parent.spanId()))
        .toList();
  }

  /** The names of the children of {@code parent}. */
  public List<String> childNames(StoredSpan parent) {
    return children(parent).stream().map(StoredSpan::name).toList();
  }

  public static Status.StatusCode status(StoredSpan span) {
    return span.span().getStatus().getCode();
  }

  public static String statusMessage(StoredSpan span) {
    return span.span().getStatus().getMessage();
  }

  /** The value of attribute {@code key}, as a Java value (String, Long, Double or Boolean). */
  public static Optional<Object> attribute(StoredSpan span, String key) {
    return span.span().getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(KeyValue::getValue)
        .map(OtlpRun::value)
        .findFirst();
  }

  public static List<String> eventNames(StoredSpan span) {
    return span.span().getEventsList().stream().map(e -> e.getName()).toList();
  }

  private static Object value(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> value.getDoubleValue();
      case BOOL_VALUE -> value.getBoolValue();
      default -> value.toString();
    };
  }

  /** The latest export of metric {@code name}. */
  public Optional<Metric> metric(String name) {
    List<Metric> all = store.metricsByName(name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
  }

  /** The sum of the latest long points of a counter or up-down counter. */
  public long longSum(String name) {
    Metric metric = metric(name).orElseThrow(() -> new AssertionError("no metric " + name));
    return metric.getSum().getDataPointsList().stream().mapToLong(NumberDataPoint::getAsInt).sum();
  }
}
