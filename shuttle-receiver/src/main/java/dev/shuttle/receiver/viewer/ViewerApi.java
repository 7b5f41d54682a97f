package dev.shuttle.receiver.viewer;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.shuttle.receiver.RunningProcess;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.receiver.internal.Excerpt;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The JSON documents of the viewer's API ({@code docs/viewer-api.md}), built from a {@link
 * TelemetryStore} snapshot for each request.
 *
 * <p>What a request may cost is bounded: at most {@link #MAX_LIMIT} traces in a list, {@link
 * #MAX_TRACE_SPANS} spans of one trace (in tree order; the rest are counted in {@code
 * omittedSpans}), {@link #MAX_LINKS} links and linked-from entries per span, {@link
 * Json#MAX_ATTRIBUTES} attributes per list, strings cut at {@link Json#MAX_TEXT_CHARS}; the work of
 * each request is linear in what the store holds.
 *
 * <p>Thread-safety: stateless apart from the thread-safe store; safe to call from any thread.
 */
final class ViewerApi {
  /** The default number of traces in a list. */
  static final int DEFAULT_LIMIT = 200;

  /** The most traces in a list. */
  static final int MAX_LIMIT = 1000;

  /** The most spans of one trace sent. */
  static final int MAX_TRACE_SPANS = 10_000;

  /** The most links, and linked-from entries, sent per span. */
  static final int MAX_LINKS = 128;

  /** The most events sent per span. */
  static final int MAX_EVENTS = 256;

  /** The largest {@code minDurationMs}: a year. */
  static final double MAX_DURATION_MS = 365.0 * 24 * 3600 * 1000;

  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");

  private final TelemetryStore store;

  ViewerApi(TelemetryStore store) {
    this.store = store;
  }

  // ------------------------------------------------------------------ /api/traces

  /** A trace's summary with what the filters look at. */
  private record Summary(
      StoredTrace trace,
      String rootName,
      Set<String> services,
      long startNanos,
      long durationNanos,
      boolean error) {}

  /** {@code GET /api/traces}. */
  JsonObject traces(Params params) throws ApiException {
    String service = params.get("service");
    String name = params.get("name");
    String nameLower = name == null ? null : name.toLowerCase(Locale.ROOT);
    String status = params.get("status");
    if (status != null && !status.equals("error") && !status.equals("ok")) {
      throw new ApiException(
          400, "parameter status must be error or ok, was '" + Excerpt.of(status) + "'");
    }
    Double minDurationMs = params.number("minDurationMs", 0, MAX_DURATION_MS);
    String attr = params.get("attr");
    String attrKey = null;
    String attrValue = null;
    if (attr != null) {
      int equals = attr.indexOf('=');
      if (equals <= 0) {
        throw new ApiException(
            400, "parameter attr must be key=value, was '" + Excerpt.of(attr) + "'");
      }
      attrKey = attr.substring(0, equals);
      attrValue = attr.substring(equals + 1);
    }
    int limit = params.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);

    Set<String> allServices = new TreeSet<>();
    List<Summary> matching = new ArrayList<>();
    for (StoredTrace trace : store.traces()) {
      Summary summary = summary(trace);
      allServices.addAll(summary.services());
      if (service != null && !summary.services().contains(service)) {
        continue;
      }
      if (status != null && summary.error() != status.equals("error")) {
        continue;
      }
      if (minDurationMs != null && summary.durationNanos() < minDurationMs * 1e6) {
        continue;
      }
      if (nameLower != null && !anyName(trace, nameLower)) {
        continue;
      }
      if (attrKey != null && !anyAttribute(trace, attrKey, attrValue)) {
        continue;
      }
      matching.add(summary);
    }
    matching.sort(
        Comparator.comparingLong(Summary::startNanos)
            .reversed()
            .thenComparing(s -> s.trace().traceId()));
    JsonArray traces = new JsonArray();
    for (Summary summary : matching.subList(0, Math.min(limit, matching.size()))) {
      traces.add(summaryJson(summary));
    }
    JsonObject out = new JsonObject();
    out.add("traces", traces);
    out.addProperty("total", matching.size());
    out.add("services", strings(allServices));
    return out;
  }

  private static Summary summary(StoredTrace trace) {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    boolean error = false;
    Set<String> services = new TreeSet<>();
    StoredSpan earliest = trace.spans().getFirst();
    for (StoredSpan span : trace.spans()) {
      Span s = span.span();
      start = Math.min(start, s.getStartTimeUnixNano());
      end = Math.max(end, Math.max(s.getStartTimeUnixNano(), s.getEndTimeUnixNano()));
      error |= s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
      services.add(span.serviceName());
      if (s.getStartTimeUnixNano() < earliest.span().getStartTimeUnixNano()) {
        earliest = span;
      }
    }
    String rootName = trace.root().orElse(earliest).name();
    return new Summary(trace, rootName, services, start, end - start, error);
  }

  private static boolean anyName(StoredTrace trace, String lowerCaseNeedle) {
    for (StoredSpan span : trace.spans()) {
      if (span.name().toLowerCase(Locale.ROOT).contains(lowerCaseNeedle)) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyAttribute(StoredTrace trace, String key, @Nullable String value) {
    for (StoredSpan span : trace.spans()) {
      if (hasAttribute(span.span().getAttributesList(), key, value)
          || hasAttribute(span.resource().getAttributesList(), key, value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasAttribute(
      List<KeyValue> attributes, String key, @Nullable String value) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key) && Json.display(attribute.getValue()).equals(value)) {
        return true;
      }
    }
    return false;
  }

  private JsonObject summaryJson(Summary summary) {
    JsonObject out = new JsonObject();
    out.addProperty("traceId", summary.trace().traceId());
    out.add("rootName", Json.str(summary.rootName()));
    out.add("service", Json.str(summary.trace().serviceName()));
    out.add("services", strings(summary.services()));
    out.addProperty("spanCount", summary.trace().spans().size());
    out.add("startUnixMillis", Json.num(summary.startNanos() / 1e6));
    out.addProperty("durationNanos", summary.durationNanos());
    out.addProperty("error", summary.error());
    return out;
  }

  private static JsonArray strings(Iterable<String> values) {
    JsonArray out = new JsonArray();
    for (String value : values) {
      out.add(Json.str(value));
    }
    return out;
  }

  // ------------------------------------------------------------------ /api/traces/{id}

  /** {@code GET /api/traces/{traceId}}. */
  JsonObject trace(String traceId) throws ApiException {
    if (!TRACE_ID.matcher(traceId).matches()) {
      throw new ApiException(400, "a trace id is 32 hex digits, was '" + Excerpt.of(traceId) + "'");
    }
    String id = traceId.toLowerCase(Locale.ROOT);
    List<StoredTrace> all = store.traces();
    StoredTrace trace = null;
    for (StoredTrace candidate : all) {
      if (candidate.traceId().equals(id)) {
        trace = candidate;
        break;
      }
    }
    List<RunningProcess> running = store.runningNow();
    if (trace == null) {
      long runningStart = RunningJson.earliestStart(running, id);
      if (runningStart == Long.MAX_VALUE) {
        throw new ApiException(404, "no trace " + id + " is held (evicted, or never received)");
      }
      return onlyRunning(id, running, runningStart);
    }
    TraceAnalysis analysis = TraceAnalysis.of(trace);
    List<TraceAnalysis.SpanInfo> shown =
        analysis.spans().subList(0, Math.min(MAX_TRACE_SPANS, analysis.spans().size()));
    Set<String> shownIds = new HashSet<>();
    Set<String> linkedTraces = new HashSet<>();
    for (TraceAnalysis.SpanInfo info : shown) {
      shownIds.add(info.span().spanId());
      for (Span.Link link : info.span().span().getLinksList()) {
        linkedTraces.add(Json.hex(link.getTraceId()));
      }
    }
    // one pass over the store: the spans of linked traces, and the links pointing into this trace
    Set<String> held = new HashSet<>(); // "traceId/spanId" of spans in linked traces
    Map<String, JsonArray> linkedFrom = new HashMap<>();
    for (StoredTrace other : all) {
      boolean linked = linkedTraces.contains(other.traceId());
      for (StoredSpan span : other.spans()) {
        if (linked) {
          held.add(other.traceId() + "/" + span.spanId());
        }
        for (Span.Link link : span.span().getLinksList()) {
          String target = Json.hex(link.getSpanId());
          if (Json.hex(link.getTraceId()).equals(id) && shownIds.contains(target)) {
            JsonArray from = linkedFrom.computeIfAbsent(target, k -> new JsonArray());
            if (from.size() < MAX_LINKS) {
              JsonObject entry = new JsonObject();
              entry.addProperty("traceId", other.traceId());
              entry.addProperty("spanId", span.spanId());
              entry.add("name", Json.str(span.name()));
              from.add(entry);
            }
          }
        }
      }
    }

    long start = analysis.startNanos();
    Set<String> services = new TreeSet<>();
    JsonArray spans = new JsonArray();
    for (TraceAnalysis.SpanInfo info : shown) {
      services.add(info.span().serviceName());
      spans.add(spanJson(info, start, held, linkedFrom.get(info.span().spanId())));
    }
    JsonArray criticalPath = new JsonArray();
    analysis.criticalPath().stream().filter(shownIds::contains).forEach(criticalPath::add);
    JsonArray lanes = new JsonArray();
    for (TraceAnalysis.Lane lane : analysis.lanes()) {
      JsonArray ids = new JsonArray();
      lane.spanIds().stream().filter(shownIds::contains).forEach(ids::add);
      if (!ids.isEmpty()) {
        JsonObject laneJson = new JsonObject();
        laneJson.add("key", Json.str(lane.key()));
        laneJson.add("label", Json.str(lane.label()));
        laneJson.add("spanIds", ids);
        lanes.add(laneJson);
      }
    }
    JsonObject out = new JsonObject();
    out.addProperty("traceId", id);
    out.add("startUnixMillis", Json.num(start / 1e6));
    out.addProperty("durationNanos", analysis.endNanos() - start);
    out.add("services", strings(services));
    out.add("spans", spans);
    out.add("criticalPath", criticalPath);
    out.add("lanes", lanes);
    out.addProperty("omittedSpans", analysis.spans().size() - shown.size());
    out.add("running", RunningJson.inTrace(running, id, start));
    return out;
  }

  /** A trace none of whose spans arrived yet, though goroutines of it run. */
  private static JsonObject onlyRunning(String id, List<RunningProcess> running, long start) {
    Set<String> services = new TreeSet<>();
    for (RunningProcess round : running) {
      if (round.goroutines().stream().anyMatch(g -> g.traceId().equals(id))) {
        services.add(round.serviceName());
      }
    }
    JsonObject out = new JsonObject();
    out.addProperty("traceId", id);
    out.add("startUnixMillis", Json.num(start / 1e6));
    out.addProperty("durationNanos", 0);
    out.add("services", strings(services));
    out.add("spans", new JsonArray());
    out.add("criticalPath", new JsonArray());
    out.add("lanes", new JsonArray());
    out.addProperty("omittedSpans", 0);
    out.add("running", RunningJson.inTrace(running, id, start));
    return out;
  }

  private static JsonObject spanJson(
      TraceAnalysis.SpanInfo info,
      long traceStart,
      Set<String> held,
      @Nullable JsonArray linkedFrom) {
    StoredSpan stored = info.span();
    Span span = stored.span();
    JsonObject out = new JsonObject();
    out.addProperty("spanId", stored.spanId());
    out.add(
        "parentSpanId",
        stored.isRoot() ? JsonNull.INSTANCE : new JsonPrimitive(stored.parentSpanId()));
    out.addProperty("parentMissing", info.parentMissing());
    out.addProperty("depth", info.depth());
    out.add("name", Json.str(span.getName()));
    out.addProperty("kind", kind(span.getKind()));
    out.add("service", Json.str(stored.serviceName()));
    JsonObject scope = new JsonObject();
    scope.add("name", Json.str(stored.scope().getName()));
    scope.add("version", Json.str(stored.scope().getVersion()));
    out.add("scope", scope);
    out.add("resource", Json.attributes(stored.resource().getAttributesList()));
    out.addProperty("startOffsetNanos", span.getStartTimeUnixNano() - traceStart);
    out.addProperty("durationNanos", info.durationNanos());
    JsonObject status = new JsonObject();
    status.addProperty("code", statusCode(span.getStatus().getCode()));
    status.add("message", Json.str(span.getStatus().getMessage()));
    out.add("status", status);
    out.add("attributes", Json.attributes(span.getAttributesList()));
    JsonArray events = new JsonArray();
    for (Span.Event event : span.getEventsList()) {
      if (events.size() == MAX_EVENTS) {
        break;
      }
      JsonObject e = new JsonObject();
      e.add("name", Json.str(event.getName()));
      e.addProperty("offsetNanos", event.getTimeUnixNano() - traceStart);
      e.add("attributes", Json.attributes(event.getAttributesList()));
      events.add(e);
    }
    out.add("events", events);
    JsonArray links = new JsonArray();
    for (Span.Link link : span.getLinksList()) {
      if (links.size() == MAX_LINKS) {
        break;
      }
      String linkTrace = Json.hex(link.getTraceId());
      String linkSpan = Json.hex(link.getSpanId());
      JsonObject l = new JsonObject();
      l.addProperty("traceId", linkTrace);
      l.addProperty("spanId", linkSpan);
      l.add("attributes", Json.attributes(link.getAttributesList()));
      l.addProperty("inStore", held.contains(linkTrace + "/" + linkSpan));
      links.add(l);
    }
    out.add("links", links);
    out.add("linkedFrom", linkedFrom == null ? new JsonArray() : linkedFrom);
    Long queueWait = info.queueWaitNanos();
    out.add("queueWaitNanos", queueWait == null ? JsonNull.INSTANCE : new JsonPrimitive(queueWait));
    Double parallelism = info.parallelism();
    out.add("parallelism", parallelism == null ? JsonNull.INSTANCE : Json.num(parallelism));
    String longest = info.longestChildSpanId();
    out.add("longestChildSpanId", longest == null ? JsonNull.INSTANCE : new JsonPrimitive(longest));
    out.addProperty("onCriticalPath", info.onCriticalPath());
    String lane = info.lane();
    out.add("lane", lane == null ? JsonNull.INSTANCE : Json.str(lane));
    return out;
  }

  private static String kind(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_INTERNAL -> "INTERNAL";
      case SPAN_KIND_SERVER -> "SERVER";
      case SPAN_KIND_CLIENT -> "CLIENT";
      case SPAN_KIND_PRODUCER -> "PRODUCER";
      case SPAN_KIND_CONSUMER -> "CONSUMER";
      default -> "UNSPECIFIED";
    };
  }

  private static String statusCode(Status.StatusCode code) {
    return switch (code) {
      case STATUS_CODE_OK -> "OK";
      case STATUS_CODE_ERROR -> "ERROR";
      default -> "UNSET";
    };
  }

  // ------------------------------------------------------------------ /api/running

  /** {@code GET /api/running}. */
  JsonObject running() {
    return RunningJson.running(store.runningNow(), store.droppedLiveRecords());
  }

  // ------------------------------------------------------------------ /api/metrics

  /** {@code GET /api/metrics}. */
  JsonObject metrics() {
    JsonArray metrics = new JsonArray();
    for (MetricSeries.Instrument info : MetricSeries.catalogue(store.resourceMetrics())) {
      JsonObject m = new JsonObject();
      m.add("name", Json.str(info.name()));
      m.add("description", Json.str(info.description()));
      m.add("unit", Json.str(info.unit()));
      m.addProperty("type", info.type());
      m.addProperty("monotonic", info.monotonic());
      m.add("service", Json.str(info.service()));
      m.add("scope", Json.str(info.scope()));
      m.addProperty("seriesCount", info.seriesCount());
      metrics.add(m);
    }
    JsonObject out = new JsonObject();
    out.add("metrics", metrics);
    return out;
  }

  /** {@code GET /api/metrics/series?name=N&service=S}. */
  JsonObject series(Params params) throws ApiException {
    String name = params.get("name");
    if (name == null) {
      throw new ApiException(400, "parameter name is required: the metric's name");
    }
    String service = params.get("service");
    MetricSeries.Chart chart = MetricSeries.chart(store.resourceMetrics(), name, service);
    if (chart == null) {
      throw new ApiException(
          404,
          "no metric '"
              + Excerpt.of(name)
              + "'"
              + (service == null ? "" : " of service '" + Excerpt.of(service) + "'")
              + " is held");
    }
    JsonArray series = new JsonArray();
    for (MetricSeries.Series s : chart.series()) {
      JsonArray points = new JsonArray();
      for (MetricSeries.Point p : s.points()) {
        JsonObject point = new JsonObject();
        point.add("timeUnixMillis", Json.num(p.timeUnixMillis()));
        point.add("value", Json.num(p.value()));
        points.add(point);
      }
      JsonObject line = new JsonObject();
      line.add("label", Json.str(s.label()));
      line.add("attributes", Json.attributes(s.attributes()));
      line.add("points", points);
      series.add(line);
    }
    JsonObject out = new JsonObject();
    out.add("name", Json.str(chart.name()));
    out.add("unit", Json.str(chart.unit()));
    out.addProperty("type", chart.type());
    out.addProperty("display", chart.display().json());
    out.add("series", series);
    return out;
  }
}
