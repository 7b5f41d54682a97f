package dev.shuttle.inspect;

import dev.shuttle.Goroutines;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The goroutines alive at one moment, as {@link Goroutines#snapshot()} took them, ordered by id.
 *
 * {@snippet :
 * System.out.print(Goroutines.snapshot().toText());
 * // errgroup fetch-all: 2 goroutines
 * //   goroutine 41 "shuttle-go-7" [chan send on jobs (len 10, cap 10), 2.1 s]
 * //     trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7 "fetch", started 3.2 s ago by goroutine 12
 * }
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param takenAt when the snapshot was taken
 * @param goroutines the live goroutines
 */
public record GoroutineDump(Instant takenAt, List<GoroutineInfo> goroutines) {

  /** Copies and sorts the goroutines by id. */
  public GoroutineDump {
    Objects.requireNonNull(takenAt, "takenAt");
    goroutines = goroutines.stream().sorted(Comparator.comparingLong(GoroutineInfo::id)).toList();
  }

  /**
   * The goroutines that match {@code filter}, in a dump taken at the same moment.
   *
   * @param filter which goroutines to keep
   * @return a dump of the matching goroutines, with this dump's {@link #takenAt()}
   */
  public GoroutineDump filter(Predicate<? super GoroutineInfo> filter) {
    Objects.requireNonNull(filter, "filter");
    return new GoroutineDump(takenAt, goroutines.stream().filter(filter).toList());
  }

  /**
   * The number of blocked goroutines.
   *
   * @return how many goroutines of the dump wait on something
   */
  public long blockedCount() {
    return goroutines.stream().filter(GoroutineInfo::blocked).count();
  }

  /**
   * Renders the dump as text, grouped by owner as a Go goroutine dump is, one goroutine per header
   * line with what it waits on and for how long, then its trace and span.
   *
   * @return the text, several lines, each ending in a newline
   */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append("Shuttle goroutines at ")
        .append(takenAt)
        .append(": ")
        .append(plural(goroutines.size(), "goroutine"))
        .append(", ")
        .append(blockedCount())
        .append(" blocked\n");
    for (Map.Entry<String, List<GoroutineInfo>> group : byOwner().entrySet()) {
      out.append('\n')
          .append(group.getKey())
          .append(": ")
          .append(plural(group.getValue().size(), "goroutine"))
          .append('\n');
      for (GoroutineInfo g : group.getValue()) {
        appendText(out, g);
      }
    }
    return out.toString();
  }

  private void appendText(StringBuilder out, GoroutineInfo g) {
    out.append("  goroutine ").append(g.id()).append(" \"").append(g.name()).append("\" [");
    BlockedOn on = g.blockedOn();
    if (on == null) {
      out.append("running");
    } else {
      out.append(on.describe()).append(", ").append(human(g.blockedFor(takenAt)));
    }
    out.append("]\n    ");
    SpanContext span = g.spanContext();
    if (span.isValid()) {
      out.append("trace ").append(span.getTraceId()).append(" span ").append(span.getSpanId());
      if (g.spanName() != null) {
        out.append(" \"").append(g.spanName()).append('"');
      }
      out.append(", ");
    } else {
      out.append("untraced, ");
    }
    out.append("started ").append(human(g.age(takenAt))).append(" ago");
    if (g.parentId() != 0) {
      out.append(" by goroutine ").append(g.parentId());
    }
    out.append('\n');
  }

  private Map<String, List<GoroutineInfo>> byOwner() {
    Map<String, List<GoroutineInfo>> groups = new LinkedHashMap<>();
    for (GoroutineInfo g : goroutines) {
      groups.computeIfAbsent(g.owner(), k -> new ArrayList<>()).add(g);
    }
    return groups;
  }

  /**
   * Renders the dump as one JSON object: {@code takenAt}, {@code count}, {@code blocked} and {@code
   * goroutines}, each with {@code id}, {@code name}, {@code owner}, {@code parentId}, {@code state}
   * ({@code running} or {@code blocked}), {@code blockedOn} ({@code kind}, {@code description}),
   * {@code blockedSince}, {@code blockedForMillis}, {@code startedAt}, {@code traceId}, {@code
   * spanId}, {@code parentSpanId} and {@code spanName}; times in ISO-8601, absent values null.
   *
   * @return the JSON object, on one line
   */
  public String toJson() {
    StringBuilder out = new StringBuilder(64 + 400 * goroutines.size());
    out.append("{\"takenAt\":");
    string(out, takenAt.toString());
    out.append(",\"count\":").append(goroutines.size());
    out.append(",\"blocked\":").append(blockedCount());
    out.append(",\"goroutines\":[");
    for (int i = 0; i < goroutines.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      appendJson(out, goroutines.get(i));
    }
    return out.append("]}").toString();
  }

  private void appendJson(StringBuilder out, GoroutineInfo g) {
    out.append("{\"id\":").append(g.id()).append(",\"name\":");
    string(out, g.name());
    out.append(",\"owner\":");
    string(out, g.owner());
    out.append(",\"parentId\":").append(g.parentId());
    out.append(",\"state\":\"").append(g.blocked() ? "blocked" : "running").append('"');
    BlockedOn on = g.blockedOn();
    out.append(",\"blockedOn\":");
    if (on == null) {
      out.append("null");
    } else {
      out.append("{\"kind\":");
      string(out, on.kind());
      out.append(",\"description\":");
      string(out, on.describe());
      out.append('}');
    }
    out.append(",\"blockedSince\":");
    string(out, g.blockedSince() == null ? null : g.blockedSince().toString());
    out.append(",\"blockedForMillis\":").append(g.blockedFor(takenAt).toMillis());
    out.append(",\"startedAt\":");
    string(out, g.startedAt().toString());
    out.append(",\"traceId\":");
    string(out, g.spanContext().isValid() ? g.spanContext().getTraceId() : null);
    out.append(",\"spanId\":");
    string(out, g.spanContext().isValid() ? g.spanContext().getSpanId() : null);
    out.append(",\"parentSpanId\":");
    string(out, g.parentSpanContext().isValid() ? g.parentSpanContext().getSpanId() : null);
    out.append(",\"spanName\":");
    string(out, g.spanName());
    out.append('}');
  }

  private static void string(StringBuilder out, @Nullable String s) {
    if (s == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** A duration for people: {@code 850 ms}, {@code 2.1 s}, {@code 3 min 12 s}. */
  static String human(Duration d) {
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long seconds = millis / 1000;
    return seconds / 60 + " min " + seconds % 60 + " s";
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
