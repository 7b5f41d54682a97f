package dev.shuttle.receiver.viewer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.shuttle.receiver.RunningGoroutine;
import dev.shuttle.receiver.RunningProcess;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of the live view ({@code docs/viewer-api.md}): {@code GET /api/running}, and the {@code
 * running} goroutines of a trace in {@code GET /api/traces/{traceId}}.
 *
 * <p>Bounded: at most {@link #MAX_GOROUTINES} goroutines in one answer (the rest are counted in
 * each process's {@code omittedGoroutines}); every string from the network goes through {@link
 * Json#str}.
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
final class RunningJson {
  /** The most goroutines in one answer. */
  static final int MAX_GOROUTINES = 5_000;

  private RunningJson() {}

  /** {@code GET /api/running}: the processes' rounds. */
  static JsonObject running(List<RunningProcess> rounds, long droppedRecords) {
    JsonArray processes = new JsonArray();
    int budget = MAX_GOROUTINES;
    for (RunningProcess round : rounds) {
      JsonObject p = new JsonObject();
      p.add("key", Json.str(round.key()));
      p.add("service", Json.str(round.serviceName()));
      p.add("instanceId", Json.str(round.instanceId()));
      JsonObject resource = new JsonObject();
      for (Map.Entry<String, String> e : round.resource().entrySet()) {
        resource.add(Json.cut(e.getKey(), Json.MAX_TEXT_CHARS), Json.str(e.getValue()));
      }
      p.add("resource", resource);
      p.addProperty("round", round.round());
      p.add("roundUnixMillis", Json.num(round.timeUnixNanos() / 1e6));
      p.addProperty("receivedUnixMillis", round.receivedUnixMillis());
      p.addProperty("intervalMs", round.intervalMillis());
      p.addProperty("complete", round.complete());
      p.addProperty("expectedCount", round.expectedCount());
      p.addProperty("blockedCount", round.blockedCount());
      JsonArray goroutines = new JsonArray();
      int shown = Math.min(budget, round.goroutines().size());
      for (RunningGoroutine g : round.goroutines().subList(0, shown)) {
        goroutines.add(goroutine(g, round, null));
      }
      budget -= shown;
      p.add("goroutines", goroutines);
      p.addProperty("omittedGoroutines", round.goroutines().size() - shown);
      processes.add(p);
    }
    JsonObject out = new JsonObject();
    out.add("processes", processes);
    out.addProperty("droppedRecords", droppedRecords);
    return out;
  }

  /**
   * The goroutines of the live view running in one trace, each placed with {@code startOffsetNanos}
   * from {@code traceStartNanos}.
   */
  static JsonArray inTrace(List<RunningProcess> rounds, String traceId, long traceStartNanos) {
    JsonArray out = new JsonArray();
    for (RunningProcess round : rounds) {
      for (RunningGoroutine g : round.goroutines()) {
        if (g.traceId().equals(traceId) && out.size() < MAX_GOROUTINES) {
          out.add(goroutine(g, round, traceStartNanos));
        }
      }
    }
    return out;
  }

  /** The earliest start of the goroutines running in a trace, or {@code Long.MAX_VALUE}. */
  static long earliestStart(List<RunningProcess> rounds, String traceId) {
    long start = Long.MAX_VALUE;
    for (RunningProcess round : rounds) {
      for (RunningGoroutine g : round.goroutines()) {
        if (g.traceId().equals(traceId)) {
          start =
              Math.min(
                  start, g.startedAtUnixNanos() > 0 ? g.startedAtUnixNanos() : g.timeUnixNanos());
        }
      }
    }
    return start;
  }

  private static JsonObject goroutine(
      RunningGoroutine g, RunningProcess round, @Nullable Long traceStartNanos) {
    JsonObject out = new JsonObject();
    out.addProperty("id", g.id());
    out.add("name", Json.str(g.name()));
    out.add("owner", Json.str(g.owner()));
    out.addProperty("parentId", g.parentId());
    out.add("state", Json.str(g.state()));
    out.add("blockedOn", orNull(g.blockedOn()));
    out.add("blockedOnKind", orNull(g.blockedOnKind()));
    out.add("blockedSinceUnixMillis", millis(g.blockedSinceUnixNanos()));
    out.addProperty("blockedForNanos", g.blockedForNanos());
    out.add("startedAtUnixMillis", millis(g.startedAtUnixNanos()));
    out.add("traceId", orNull(g.traceId()));
    out.add("spanId", orNull(g.spanId()));
    out.add("spanName", orNull(g.spanName()));
    out.add("parentSpanId", orNull(g.parentSpanId()));
    out.add("placedUnderSpanId", orNull(g.placedUnderSpanId()));
    out.addProperty("round", g.round());
    out.add("body", Json.str(g.body()));
    if (traceStartNanos != null) {
      long started = g.startedAtUnixNanos() > 0 ? g.startedAtUnixNanos() : g.timeUnixNanos();
      out.addProperty("startOffsetNanos", started - traceStartNanos);
      out.add("service", Json.str(round.serviceName()));
      out.add("roundUnixMillis", Json.num(round.timeUnixNanos() / 1e6));
      out.addProperty("receivedUnixMillis", round.receivedUnixMillis());
    }
    return out;
  }

  private static JsonElement orNull(String text) {
    return text.isEmpty() ? JsonNull.INSTANCE : Json.str(text);
  }

  private static JsonElement millis(long unixNanos) {
    return unixNanos <= 0 ? JsonNull.INSTANCE : new JsonPrimitive(unixNanos / 1e6);
  }
}
