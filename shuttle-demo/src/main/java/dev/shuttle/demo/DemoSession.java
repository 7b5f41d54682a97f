package dev.shuttle.demo;

import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.otel.ShuttleOtelBuilder;
import dev.shuttle.receiver.OtlpReceiver;
import dev.shuttle.receiver.ReceiverConfig;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The telemetry pipeline of one {@code shuttle demo} run: the OpenTelemetry SDK exporting over real
 * OTLP, either to an embedded receiver on ephemeral ports or to an external endpoint.
 *
 * <p>Not thread-safe: the demo drives it from one thread.
 */
final class DemoSession implements AutoCloseable {
  /** The standard variable naming an external OTLP endpoint. */
  static final String ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT";

  private static final String SDK_SCOPE_PREFIX = "io.opentelemetry.";
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

  private final @Nullable OtlpReceiver receiver;
  private final ShuttleOtel otel;
  private final String endpoint;
  private final Map<String, Metric> lastMetrics = new HashMap<>();

  private DemoSession(@Nullable OtlpReceiver receiver, ShuttleOtel otel, String endpoint) {
    this.receiver = receiver;
    this.otel = otel;
    this.endpoint = endpoint;
  }

  /**
   * Starts the embedded receiver on ephemeral loopback ports and an SDK exporting to it with {@code
   * protocol}.
   */
  static DemoSession embedded(OtlpProtocol protocol) throws IOException {
    OtlpReceiver receiver =
        OtlpReceiver.start(ReceiverConfig.builder().httpPort(0).grpcPort(0).build());
    String endpoint =
        protocol == OtlpProtocol.GRPC ? receiver.grpcEndpoint() : receiver.httpEndpoint();
    try {
      return new DemoSession(receiver, sdk(protocol).endpoint(endpoint).start(), endpoint);
    } catch (RuntimeException e) {
      receiver.close();
      throw e;
    }
  }

  /**
   * Starts an SDK exporting to an external endpoint: {@code endpoint} if given, else the standard
   * {@code OTEL_EXPORTER_OTLP_*} settings; {@code protocol} overrides the environment if given.
   */
  static DemoSession external(@Nullable String endpoint, @Nullable OtlpProtocol protocol) {
    ShuttleOtelBuilder builder = protocol == null ? baseSdk() : sdk(protocol);
    if (endpoint != null) {
      builder.endpoint(endpoint);
    }
    String shown = endpoint != null ? endpoint : String.valueOf(System.getenv(ENDPOINT_VARIABLE));
    return new DemoSession(null, builder.start(), shown);
  }

  private static ShuttleOtelBuilder sdk(OtlpProtocol protocol) {
    return baseSdk().protocol(protocol);
  }

  private static ShuttleOtelBuilder baseSdk() {
    return ShuttleOtel.builder()
        .serviceName("shuttle-demo")
        .batchScheduleDelay(Duration.ofMillis(200))
        .metricExportInterval(Duration.ofMinutes(10)) // exported by flush() after each scenario
        .registerGlobal(false);
  }

  OpenTelemetry openTelemetry() {
    return otel.sdk();
  }

  /** Where the spans go, for the user. */
  String endpoint() {
    return endpoint;
  }

  boolean isEmbedded() {
    return receiver != null;
  }

  /**
   * Exports everything recorded so far and waits until the exporter has been answered; with the
   * embedded receiver, everything is then in its store.
   *
   * @return {@code false} if the export failed or timed out
   */
  boolean flush() {
    return otel.flush(FLUSH_TIMEOUT);
  }

  /** The embedded receiver's store, if the session has one. */
  Optional<TelemetryStore> store() {
    return receiver == null ? Optional.empty() : Optional.of(receiver.store());
  }

  /** Ids of the traces held now. */
  Set<String> traceIds() {
    Set<String> ids = new HashSet<>();
    store().ifPresent(s -> s.traces().forEach(t -> ids.add(t.traceId())));
    return ids;
  }

  /** Traces held now that were not in {@code before}, oldest first. */
  List<StoredTrace> tracesSince(Set<String> before) {
    List<StoredTrace> fresh = new ArrayList<>();
    store()
        .ifPresent(
            s ->
                s.traces().stream().filter(t -> !before.contains(t.traceId())).forEach(fresh::add));
    return fresh;
  }

  /**
   * The application's metrics (Shuttle's and the scenarios', not the SDK's own) whose points
   * changed since the previous call, as one ResourceMetrics per resource (time stamps aside:
   * cumulative points are re-sent every time). Every held export counts, not only the latest: a
   * scenario that exports its observable instruments and then closes them (as it must, so that they
   * do not outlive it) is missing from the exports that follow.
   */
  List<ResourceMetrics> changedMetrics() {
    List<ResourceMetrics> all = store().map(TelemetryStore::resourceMetrics).orElse(List.of());
    if (all.isEmpty()) {
      return List.of();
    }
    Map<String, Metric> latest = new LinkedHashMap<>(); // key: scope/metric, last export wins
    Map<String, ScopeMetrics> scopes = new LinkedHashMap<>();
    Map<String, String> scopeOf = new HashMap<>();
    for (ResourceMetrics export : all) {
      for (ScopeMetrics scope : export.getScopeMetricsList()) {
        if (scope.getScope().getName().startsWith(SDK_SCOPE_PREFIX)) {
          continue; // the SDK's own exporter and processor metrics
        }
        scopes.putIfAbsent(scope.getScope().getName(), scope);
        for (Metric metric : scope.getMetricsList()) {
          String key = scope.getScope().getName() + "/" + metric.getName();
          latest.remove(key); // keeps the map in the order of the latest exports
          latest.put(key, metric);
          scopeOf.put(key, scope.getScope().getName());
        }
      }
    }
    Map<String, ScopeMetrics.Builder> changedScopes = new LinkedHashMap<>();
    for (Map.Entry<String, Metric> entry : latest.entrySet()) {
      Metric timeless = MetricTimes.strip(entry.getValue());
      if (!timeless.equals(lastMetrics.put(entry.getKey(), timeless))) {
        changedScopes
            .computeIfAbsent(
                Objects.requireNonNull(scopeOf.get(entry.getKey())),
                name -> Objects.requireNonNull(scopes.get(name)).toBuilder().clearMetrics())
            .addMetrics(entry.getValue());
      }
    }
    if (changedScopes.isEmpty()) {
      return List.of();
    }
    ResourceMetrics.Builder changed = all.getLast().toBuilder().clearScopeMetrics();
    changedScopes.values().forEach(changed::addScopeMetrics);
    return List.of(changed.build());
  }

  /** Spans the receiver has accepted so far (0 when exporting elsewhere). */
  long spansReceived() {
    return store().map(TelemetryStore::spansReceived).orElse(0L);
  }

  @Override
  public void close() {
    otel.close();
    if (receiver != null) {
      receiver.close();
    }
  }
}
