package dev.shuttle.receiver.viewer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The viewer API's answers (docs/viewer-api.md) from the JSON fixtures under {@code
 * dev/shuttle/receiver/viewer/fixtures/}: {@code traces.json} (the summaries), {@code
 * traces/<traceId>.json}, {@code metrics.json} and {@code metric-series.json} (keyed by {@code
 * service|name}). Filters the list as the contract says, over the fixtures' spans.
 *
 * <p>Immutable after construction; safe to use from several threads.
 */
final class FixtureApi {
  static final String FIXTURES = "dev/shuttle/receiver/viewer/fixtures/";
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

  private final List<JsonObject> summaries = new ArrayList<>();
  private final Map<String, JsonObject> traces = new LinkedHashMap<>();
  private final JsonObject metrics;
  private final JsonObject series;

  FixtureApi() {
    JsonObject list = read("traces.json");
    for (JsonElement summary : list.getAsJsonArray("traces")) {
      JsonObject s = summary.getAsJsonObject();
      summaries.add(s);
      String id = s.get("traceId").getAsString();
      traces.put(id, read("traces/" + id + ".json"));
    }
    metrics = read("metrics.json");
    series = read("metric-series.json");
  }

  private static JsonObject read(String name) {
    try (InputStream in = FixtureApi.class.getClassLoader().getResourceAsStream(FIXTURES + name)) {
      if (in == null) {
        throw new IllegalStateException("fixture missing from the test classpath: " + name);
      }
      return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ids of the fixture traces, newest first. */
  List<String> traceIds() {
    return summaries.stream().map(s -> s.get("traceId").getAsString()).toList();
  }

  /** {@code GET /api/traces} with the query's filters. */
  JsonObject traceList(Map<String, String> query) {
    int limit = Math.min(1000, Integer.parseInt(query.getOrDefault("limit", "200")));
    JsonArray matching = new JsonArray();
    TreeSet<String> services = new TreeSet<>();
    int total = 0;
    for (JsonObject summary : summaries) {
      summary.getAsJsonArray("services").forEach(s -> services.add(s.getAsString()));
      if (!matches(summary, traces.get(summary.get("traceId").getAsString()), query)) {
        continue;
      }
      total++;
      if (matching.size() < limit) {
        matching.add(summary);
      }
    }
    JsonObject answer = new JsonObject();
    answer.add("traces", matching);
    answer.addProperty("total", total);
    JsonArray serviceArray = new JsonArray();
    services.forEach(serviceArray::add);
    answer.add("services", serviceArray);
    return answer;
  }

  private static boolean matches(JsonObject summary, JsonObject trace, Map<String, String> query) {
    List<JsonObject> spans = new ArrayList<>();
    trace.getAsJsonArray("spans").forEach(s -> spans.add(s.getAsJsonObject()));
    String service = query.get("service");
    if (service != null && spans.stream().noneMatch(s -> text(s, "service").equals(service))) {
      return false;
    }
    String name = query.get("name");
    if (name != null) {
      String needle = name.toLowerCase(Locale.ROOT);
      if (spans.stream()
          .noneMatch(s -> text(s, "name").toLowerCase(Locale.ROOT).contains(needle))) {
        return false;
      }
    }
    String status = query.get("status");
    boolean error = summary.get("error").getAsBoolean();
    if (("error".equals(status) && !error) || ("ok".equals(status) && error)) {
      return false;
    }
    String minMs = query.get("minDurationMs");
    if (minMs != null
        && summary.get("durationNanos").getAsDouble() < Double.parseDouble(minMs) * 1e6) {
      return false;
    }
    String attr = query.get("attr");
    if (attr != null) {
      int eq = attr.indexOf('=');
      String key = eq < 0 ? attr : attr.substring(0, eq);
      String value = eq < 0 ? "" : attr.substring(eq + 1);
      return spans.stream()
          .anyMatch(
              s ->
                  hasAttr(s.getAsJsonArray("attributes"), key, value)
                      || hasAttr(s.getAsJsonArray("resource"), key, value));
    }
    return true;
  }

  private static boolean hasAttr(JsonArray attributes, String key, String value) {
    for (JsonElement a : attributes) {
      JsonObject attr = a.getAsJsonObject();
      if (text(attr, "key").equals(key) && text(attr, "value").equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String text(JsonObject o, String member) {
    JsonElement e = o.get(member);
    return e == null || e.isJsonNull() ? "" : e.getAsString();
  }

  /** {@code GET /api/traces/{traceId}}, empty when the fixtures hold no such trace. */
  Optional<JsonObject> trace(String traceId) {
    if (!TRACE_ID.matcher(traceId).matches()) {
      return Optional.empty();
    }
    return Optional.ofNullable(traces.get(traceId));
  }

  /** {@code GET /api/metrics}. */
  JsonObject metrics() {
    return metrics;
  }

  /** {@code GET /api/metrics/series}, empty when the fixtures hold no such instrument. */
  Optional<JsonObject> series(String name, String service) {
    JsonElement answer = series.get(service + "|" + name);
    return answer == null ? Optional.empty() : Optional.of(answer.getAsJsonObject());
  }
}
