package dev.shuttle.demo;

import dev.shuttle.demo.AgentExport.HostPort;
import dev.shuttle.demo.scenario.OtlpTarget;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.otel.ShuttleOtelBuilder;
import dev.shuttle.receiver.OtlpReceiver;
import dev.shuttle.receiver.ReceiverConfig;
import dev.shuttle.receiver.ReceiverConfigBuilder;
import dev.shuttle.receiver.SpanListener;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The telemetry pipeline of one {@code shuttle demo} run: the OpenTelemetry SDK exporting over real
 * OTLP, either to an embedded receiver on ephemeral ports or to an external endpoint; or, under the
 * OpenTelemetry Java agent, the agent's SDK, exporting where the agent is configured to (to an
 * embedded receiver on the agent's endpoint when that is a free loopback port).
 *
 * <p>Under the agent the session cannot flush: after each scenario it ends a marker span and waits
 * until the marker reaches the receiver. The agent's batch processor exports spans in the order
 * they end, so everything the scenario ended before has arrived by then. Markers and the spans the
 * agent's server instrumentation records for the receiver's own requests are hidden.
 *
 * <p>Not thread-safe: the demo drives it from one thread; only {@link #spansReceived()} may also be
 * called from another (the progress line's).
 */
final class DemoSession implements AutoCloseable {
  /** The standard variable naming an external OTLP endpoint. */
  static final String ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT";

  /** The name of the span that marks the end of a scenario's spans under the agent. */
  static final String MARKER_SPAN = "shuttle-demo.export-marker";

  private static final String SDK_SCOPE_PREFIX = "io.opentelemetry.";
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

  /** How long the spans a flush exported may take to be counted by the receiver. */
  private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(5);

  /** The SDK's setting that turns off the OTLP exporter's retries. */
  private static final String NO_RETRY = "otel.java.exporter.otlp.retry.disabled";

  private static final Set<String> OTLP_PATHS = Set.of("/v1/traces", "/v1/metrics", "/v1/logs");
  private static final String OTLP_GRPC_SERVICES = "opentelemetry.proto.collector.";

  private final @Nullable OtlpReceiver receiver;
  private final ShuttleOtel otel;
  private final String endpoint;
  private final String protocol;
  private final @Nullable AgentExport agent;

  /** The spans the SDK ended, with the embedded receiver; null when they cannot be compared. */
  private final @Nullable EndedSpans ended;

  /** Written by the demo's thread, read by the progress line's (through spansReceived). */
  private final Set<String> markerTraces = ConcurrentHashMap.newKeySet();

  private final Map<String, Metric> lastMetrics = new HashMap<>();

  /** Spans ended that did not arrive, as found by earlier checks: not blamed on later scenarios. */
  private long lost;

  /**
   * {@link EndedSpans#count()} at the end of the previous check: where a scenario's spans start.
   */
  private long endedBefore;

  private DemoSession(
      @Nullable OtlpReceiver receiver,
      ShuttleOtel otel,
      String endpoint,
      String protocol,
      @Nullable AgentExport agent,
      @Nullable EndedSpans ended) {
    this.receiver = receiver;
    this.otel = otel;
    this.endpoint = endpoint;
    this.protocol = protocol;
    this.agent = agent;
    this.ended = ended;
  }

  /**
   * Records through the OpenTelemetry Java agent, whose OTLP exporter sends to {@code export}'s
   * endpoint; starts the embedded receiver there if it is a loopback address whose port is free.
   */
  static DemoSession underAgent(AgentExport export) {
    ShuttleOtel otel = ShuttleOtel.start(); // the agent's instance, not a second SDK
    OtlpReceiver receiver = null;
    var local = export.exportsOtlp() ? export.loopbackReceiver() : Optional.<HostPort>empty();
    if (local.isPresent()) {
      ReceiverConfigBuilder config = ReceiverConfig.builder().bindAddress(local.get().host());
      if (export.grpc()) {
        config.grpcPort(local.get().port()).httpPort(ReceiverConfig.DISABLED);
      } else {
        config.httpPort(local.get().port()).grpcPort(ReceiverConfig.DISABLED);
      }
      try {
        receiver = OtlpReceiver.start(config.build());
      } catch (IOException e) {
        receiver = null; // the port is taken, most likely by a collector: the agent exports there
      }
    }
    return new DemoSession(
        receiver, otel, export.tracesEndpoint(), export.protocol(), export, null);
  }

  /**
   * Starts the embedded receiver on ephemeral loopback ports and an SDK exporting to it with {@code
   * protocol}.
   */
  static DemoSession embedded(OtlpProtocol protocol) throws IOException {
    return embedded(protocol, null);
  }

  /**
   * Starts the embedded receiver and an SDK exporting to it, as {@link #embedded(OtlpProtocol)};
   * with {@code metricInterval} the SDK also exports its metrics that often, not only when the demo
   * flushes after each scenario, so that a chart in the viewer shows them change during a scenario
   * (a pool's active workers, its queue).
   */
  static DemoSession embedded(OtlpProtocol protocol, @Nullable Duration metricInterval)
      throws IOException {
    return embedded(protocol, metricInterval, ReceiverConfig.builder());
  }

  /**
   * Starts the embedded receiver as {@code receiverConfig} says, on ephemeral loopback ports, and
   * an SDK exporting to it, as {@link #embedded(OtlpProtocol, Duration)}; for tests.
   */
  static DemoSession embedded(
      OtlpProtocol protocol,
      @Nullable Duration metricInterval,
      ReceiverConfigBuilder receiverConfig)
      throws IOException {
    OtlpReceiver receiver = OtlpReceiver.start(receiverConfig.httpPort(0).grpcPort(0).build());
    String endpoint =
        protocol == OtlpProtocol.GRPC ? receiver.grpcEndpoint() : receiver.httpEndpoint();
    try {
      EndedSpans ended = new EndedSpans();
      ShuttleOtelBuilder builder = sdk(protocol).endpoint(endpoint).addSpanProcessor(ended);
      if (metricInterval != null) {
        builder.metricExportInterval(metricInterval);
      }
      return new DemoSession(
          receiver, builder.start(), endpoint, protocol.configValue(), null, ended);
    } catch (RuntimeException e) {
      receiver.close();
      throw e;
    }
  }

  /**
   * Starts an SDK exporting to an external endpoint: {@code endpoint} if given, else the standard
   * {@code OTEL_EXPORTER_OTLP_*} settings; {@code protocol} overrides the environment if given. The
   * exporter does not retry: the demo stops at the first failed export.
   */
  static DemoSession external(@Nullable String endpoint, @Nullable OtlpProtocol protocol) {
    ShuttleOtelBuilder builder = protocol == null ? baseSdk() : sdk(protocol);
    // a failed export ends the demo: at once, not after the exporter's retries (seconds each)
    builder.property(NO_RETRY, "true");
    if (endpoint != null) {
      builder.endpoint(endpoint);
    }
    String shown = endpoint != null ? endpoint : String.valueOf(System.getenv(ENDPOINT_VARIABLE));
    String protocolName =
        protocol != null
            ? protocol.configValue()
            : Objects.requireNonNullElse(
                System.getenv("OTEL_EXPORTER_OTLP_PROTOCOL"), OtlpProtocol.GRPC.configValue());
    return new DemoSession(null, builder.start(), shown, protocolName, null, null);
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
    return otel.openTelemetry();
  }

  /** The agent's export settings, if the session records through the Java agent. */
  Optional<AgentExport> agent() {
    return Optional.ofNullable(agent);
  }

  /** Where and how the spans go, for processes a scenario starts that must export there too. */
  OtlpTarget exportTarget() {
    return new OtlpTarget(endpoint, protocol);
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

  /**
   * Makes sure everything recorded so far has been exported: flushes the SDK and, with the embedded
   * receiver, waits (bounded) until it holds every span the SDK ended; or under the agent waits
   * (bounded) until the agent has exported it to the embedded receiver.
   *
   * <p>The flush alone proves little for spans. The SDK's batch span processor (1.68) reports a
   * flush as done even when its export failed; and a flush requested just after the previous one
   * completed can return that previous, completed result before the worker has cleared it, without
   * exporting anything (seen here 3 times in 40 two-scenario runs: the second scenario's span came
   * with the next scheduled export, after the demo had printed "0 failed"). The metric export's
   * result does count, and the demo's SDK always has metrics to export (its own, at least), so a
   * failing endpoint fails the flush; spans late or lost (the race above, an export the receiver
   * refused, a full queue, a span ended on another thread after the flush) are found by counting:
   * the session flushes once more if the receiver is short, then waits, bounded, for the rest.
   * Under the agent spans cannot be counted in-process (the agent's SDK takes no processor from the
   * application), and there the demo only waits for its marker span.
   *
   * @return what is missing, or null if the export is complete (or, exporting elsewhere than to the
   *     embedded receiver, was accepted; under the agent with no embedded receiver it cannot be
   *     observed)
   */
  @Nullable ExportProblem awaitExport() throws InterruptedException {
    AgentExport agent = this.agent;
    if (agent == null) {
      if (!flush()) {
        return new ExportProblem("the OTLP export to " + endpoint + " failed", true);
      }
      String missing = missingSpans();
      return missing == null ? null : new ExportProblem(missing, false);
    }
    String late = awaitAgentExport(agent);
    return late == null ? null : new ExportProblem(late, false);
  }

  /**
   * Waits until the embedded receiver holds every span the SDK ended (flushing once more if some
   * ended after the flush began, on another thread), then says how many of the spans ended since
   * the previous check did not arrive, or returns null if all did.
   */
  private @Nullable String missingSpans() throws InterruptedException {
    EndedSpans ended = this.ended;
    OtlpReceiver receiver = this.receiver;
    if (ended == null || receiver == null) {
      return null;
    }
    TelemetryStore store = receiver.store();
    if (store.spansReceived() < ended.count() - lost) {
      flush();
    }
    long expected = ended.count() - lost;
    store.awaitSpans(expected, ARRIVAL_TIMEOUT);
    long endedNow = ended.count();
    long inScenario = endedNow - endedBefore;
    endedBefore = endedNow;
    long missing = expected - store.spansReceived();
    if (missing <= 0) {
      return null;
    }
    lost += missing;
    return missing
        + " of "
        + inScenario
        + (inScenario == 1 ? " span" : " spans")
        + " ended did not arrive at the receiver";
  }

  /** Waits (bounded) until the agent has exported the spans ended so far; returns why not. */
  private @Nullable String awaitAgentExport(AgentExport agent) throws InterruptedException {
    OtlpReceiver receiver = this.receiver;
    if (receiver == null) {
      return null; // the agent exports elsewhere, on its own schedule
    }
    Span marker =
        otel.openTelemetry()
            .getTracer("dev.shuttle.demo")
            .spanBuilder(MARKER_SPAN)
            .setNoParent()
            .startSpan();
    String markerId = marker.getSpanContext().getSpanId();
    markerTraces.add(marker.getSpanContext().getTraceId());
    if (!marker.getSpanContext().isSampled()) {
      marker.end();
      return "the agent's sampler (otel.traces.sampler) does not record every trace, so spans are"
          + " missing; run the demo with -Dotel.traces.sampler=always_on";
    }
    CountDownLatch arrived = new CountDownLatch(1);
    SpanListener listener =
        spans -> {
          if (spans.stream().anyMatch(s -> s.spanId().equals(markerId))) {
            arrived.countDown();
          }
        };
    TelemetryStore store = receiver.store();
    store.addListener(listener);
    try {
      marker.end();
      Duration timeout = agent.scheduleDelay().multipliedBy(2).plus(FLUSH_TIMEOUT);
      if (!arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return "the OpenTelemetry Java agent did not export the spans to "
            + endpoint
            + " within "
            + timeout.toSeconds()
            + " s";
      }
      return null;
    } finally {
      store.removeListener(listener);
    }
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

  /**
   * Traces held now that were not in {@code before}, oldest first, without the spans the demo hides
   * under the agent.
   */
  List<StoredTrace> tracesSince(Set<String> before) {
    List<StoredTrace> fresh = new ArrayList<>();
    for (StoredTrace trace : store().map(TelemetryStore::traces).orElse(List.of())) {
      if (before.contains(trace.traceId())) {
        continue;
      }
      List<StoredSpan> shown = trace.spans().stream().filter(s -> !hidden(s)).toList();
      if (!shown.isEmpty()) {
        fresh.add(
            shown.size() == trace.spans().size() ? trace : new StoredTrace(trace.traceId(), shown));
      }
    }
    return fresh;
  }

  /**
   * Whether the demo hides {@code span}: under the agent, its export markers and the spans of the
   * agent's HTTP and gRPC server instrumentation for the receiver's own OTLP requests (the agent
   * records one for each of its exports, which it then exports again: a slow feedback loop).
   */
  private boolean hidden(StoredSpan span) {
    OtlpReceiver receiver = this.receiver;
    if (agent == null || receiver == null) {
      return false;
    }
    if (markerTraces.contains(span.traceId())) {
      return true;
    }
    if (span.span().getKind() != io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER
        || !span.scope().getName().startsWith(SDK_SCOPE_PREFIX)) {
      return false;
    }
    int port = agent.grpc() ? receiver.grpcPort() : receiver.httpPort();
    boolean otlpRequest = false;
    boolean toReceiver = false;
    for (KeyValue attribute : span.span().getAttributesList()) {
      AnyValue value = attribute.getValue();
      switch (attribute.getKey()) {
        case "url.path" -> otlpRequest |= OTLP_PATHS.contains(value.getStringValue());
        case "rpc.service" -> otlpRequest |= value.getStringValue().startsWith(OTLP_GRPC_SERVICES);
        case "server.port" -> toReceiver = value.getIntValue() == port;
        default -> {}
      }
    }
    return otlpRequest && toReceiver;
  }

  /**
   * The application's metrics (Shuttle's and the scenarios', not the SDK's own) whose points
   * changed since the previous call, as one ResourceMetrics per service (the demo's, and those of
   * processes a scenario started that export here), time stamps aside (cumulative points are
   * re-sent every time). Every held export counts, not only the latest: a scenario that exports its
   * observable instruments and then closes them (as it must, so that they do not outlive it) is
   * missing from the exports that follow.
   */
  List<ResourceMetrics> changedMetrics() {
    List<ResourceMetrics> all = store().map(TelemetryStore::resourceMetrics).orElse(List.of());
    // keys: service, then scope, then metric; processes a scenario started are services too
    Map<String, ResourceMetrics> resourceOf = new LinkedHashMap<>(); // the latest export
    Map<String, Metric> latest = new LinkedHashMap<>(); // the last export wins
    Map<String, ScopeMetrics> scopes = new LinkedHashMap<>();
    Map<String, String> scopeOf = new HashMap<>();
    Map<String, String> serviceOf = new HashMap<>();
    for (ResourceMetrics export : all) {
      String service = serviceName(export) + "\n";
      resourceOf.remove(service);
      resourceOf.put(service, export);
      for (ScopeMetrics scope : export.getScopeMetricsList()) {
        if (scope.getScope().getName().startsWith(SDK_SCOPE_PREFIX)) {
          continue; // the SDK's own exporter and processor metrics
        }
        String scopeKey = service + scope.getScope().getName();
        scopes.putIfAbsent(scopeKey, scope);
        for (Metric metric : scope.getMetricsList()) {
          String key = scopeKey + "/" + metric.getName();
          latest.remove(key); // keeps the map in the order of the latest exports
          latest.put(key, metric);
          scopeOf.put(key, scopeKey);
          serviceOf.put(scopeKey, service);
        }
      }
    }
    Map<String, Map<String, ScopeMetrics.Builder>> changedByService = new LinkedHashMap<>();
    for (Map.Entry<String, Metric> entry : latest.entrySet()) {
      Metric timeless = MetricTimes.strip(entry.getValue());
      if (!timeless.equals(lastMetrics.put(entry.getKey(), timeless))) {
        String scopeKey = Objects.requireNonNull(scopeOf.get(entry.getKey()));
        changedByService
            .computeIfAbsent(
                Objects.requireNonNull(serviceOf.get(scopeKey)), service -> new LinkedHashMap<>())
            .computeIfAbsent(
                scopeKey, key -> Objects.requireNonNull(scopes.get(key)).toBuilder().clearMetrics())
            .addMetrics(entry.getValue());
      }
    }
    List<ResourceMetrics> changed = new ArrayList<>();
    for (Map.Entry<String, Map<String, ScopeMetrics.Builder>> service :
        changedByService.entrySet()) {
      ResourceMetrics.Builder resource =
          Objects.requireNonNull(resourceOf.get(service.getKey())).toBuilder().clearScopeMetrics();
      service.getValue().values().forEach(resource::addScopeMetrics);
      changed.add(resource.build());
    }
    return changed;
  }

  private static String serviceName(ResourceMetrics export) {
    return export.getResource().getAttributesList().stream()
        .filter(attribute -> attribute.getKey().equals("service.name"))
        .map(attribute -> attribute.getValue().getStringValue())
        .findFirst()
        .orElse("");
  }

  /** Spans the receiver has accepted so far (0 when exporting elsewhere), hidden ones aside. */
  long spansReceived() {
    if (agent == null) {
      return store().map(TelemetryStore::spansReceived).orElse(0L);
    }
    return store().map(TelemetryStore::traces).orElse(List.of()).stream()
        .flatMap(t -> t.spans().stream())
        .filter(s -> !hidden(s))
        .count();
  }

  /**
   * Flushes and closes the SDK but keeps the receiver up, for the viewer after the scenarios: no
   * more periodic metric exports arrive, and the store holds everything the scenarios recorded.
   */
  void closeSdk() {
    otel.close();
  }

  /**
   * Closes the SDK and the receiver. Under the agent the receiver stays up until the JVM exits: the
   * agent flushes its SDK (its last spans, and metrics) at exit, which would fail with "connection
   * refused" if the receiver were gone.
   */
  @Override
  public void close() {
    otel.close();
    if (receiver != null && agent == null) {
      receiver.close();
    }
  }
}
