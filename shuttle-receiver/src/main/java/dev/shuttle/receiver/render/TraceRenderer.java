package dev.shuttle.receiver.render;

import com.google.protobuf.ByteString;
import dev.shuttle.receiver.RunningGoroutine;
import dev.shuttle.receiver.RunningProcess;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Renders a trace as an indented tree: per span its name, kind, duration, status and key
 * attributes, then its events and links.
 *
 * {@snippet :
 * System.out.print(TraceRenderer.plain().render(store.trace(traceId).orElseThrow()));
 * }
 *
 * <p>Example output:
 *
 * <pre>
 * trace 5b8efff798038103d269b633813fc60c  service checkout  3 spans  12.3 ms
 * └─ checkout (server)  12.3 ms  OK  {http.route=/pay}
 *    ├─ db.query (client)  1.2 ms  ERROR: timeout  {db.system=postgresql}
 *    │     • exception +0.8 ms {exception.type=java.io.IOException}
 *    └─ publish  0.4 ms
 *          ↪ link 0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331
 * </pre>
 *
 * <p>Every string that came over the network (names, attribute keys and values, status messages,
 * service names, ids) is printed escaped and cut as {@link Untrusted} describes, so a span cannot
 * move the cursor, set the terminal's title or print a line of its own.
 *
 * <p>{@link #withTraceUrl} shows each trace's link in the web viewer instead of its bare id. Given
 * the goroutines of the live view that still run in the trace ({@link #render(StoredTrace, List)}),
 * a span under which one runs is marked, with a line per goroutine (its own span, what it waits
 * on); {@link #renderRunning} renders a process's round of the live view.
 *
 * <p>Spans whose parent has not arrived are shown as extra roots. Children are ordered by start
 * time.
 *
 * <p>Thread-safety: immutable and safe to share.
 */
public final class TraceRenderer {
  private static final String STACKTRACE = "exception.stacktrace";
  private static final int MAX_ATTRIBUTES = 64;
  private static final int MAX_ID_CHARS = 64;
  private static final int MAX_URL_CHARS = 256;
  private static final int MAX_RUNNING_PER_SPAN = 5;
  private final Style style;
  private final RunningText runningText;
  private final @Nullable Function<String, String> traceUrl;
  private final int columns;

  private TraceRenderer(boolean colour, @Nullable Function<String, String> traceUrl, int columns) {
    this.style = new Style(colour);
    this.runningText = new RunningText(style, columns);
    this.traceUrl = traceUrl;
    this.columns = columns;
  }

  /**
   * Returns a renderer that writes plain text.
   *
   * @return a plain renderer
   */
  public static TraceRenderer plain() {
    return new TraceRenderer(false, null, 0);
  }

  /**
   * Returns a renderer with or without ANSI colour.
   *
   * @param colour true for ANSI colour codes
   * @return a renderer
   */
  public static TraceRenderer create(boolean colour) {
    return new TraceRenderer(colour, null, 0);
  }

  /**
   * Returns a renderer like this one whose header line shows the trace's link in the web viewer
   * where it shows the trace id, such as {@code trace
   * http://127.0.0.1:16686/trace/5b8efff798038103d269b633813fc60c service shop 3 spans 12.3 ms}.
   *
   * {@snippet :
   * TraceRenderer renderer = TraceRenderer.create(false).withTraceUrl(viewer::traceUrl);
   * }
   *
   * @param traceUrl gives the link of a trace from its id (32 lower-case hex digits); the link is
   *     printed escaped, cut at 256 chars
   * @return the renderer
   */
  public TraceRenderer withTraceUrl(Function<String, String> traceUrl) {
    return new TraceRenderer(style.colour(), Objects.requireNonNull(traceUrl, "traceUrl"), columns);
  }

  /**
   * Returns a renderer like this one that fits every line to {@code columns} terminal columns (wide
   * characters and emoji count two), or one that does not fit lines if {@code columns} is 0, as by
   * default. A line too wide is elided, with {@code …}, in this order: its attributes, then details
   * (a status message, what a goroutine waits on), then the service's name, and last the span's or
   * event's name; tree glyphs, durations, ids and links are never cut, so the name and duration of
   * every span stay visible. A trace's header line that does not fit is printed as two, the trace's
   * id or link whole on the first; a line whose tree glyphs alone are wider than the terminal is
   * printed whole.
   *
   * {@snippet :
   * TraceRenderer renderer = TraceRenderer.create(true).withWidth(80);
   * }
   *
   * @param columns the terminal's width, at least 1, or 0 for no limit
   * @return the renderer
   * @throws IllegalArgumentException if {@code columns} is negative
   */
  public TraceRenderer withWidth(int columns) {
    return new TraceRenderer(style.colour(), traceUrl, checkColumns(columns));
  }

  /** Returns {@code columns} if it is 0 (no limit) or more. */
  static int checkColumns(int columns) {
    if (columns < 0) {
      throw new IllegalArgumentException(
          "columns must be at least 1, or 0 for no limit, was " + columns);
    }
    return columns;
  }

  /**
   * Renders the trace as lines ending in {@code \n}.
   *
   * @param trace the trace
   * @return the text
   */
  public String render(StoredTrace trace) {
    return render(trace, List.of());
  }

  /**
   * Renders the trace as lines ending in {@code \n}, marking the spans under which goroutines of
   * {@code running} still run: those running in the span, or whose own span (not yet ended) is its
   * child. Goroutines placed under no span of the trace are left out.
   *
   * @param trace the trace
   * @param running goroutines of the live view that run in this trace ({@link
   *     dev.shuttle.receiver.TelemetryStore#runningInTrace})
   * @return the text
   */
  public String render(StoredTrace trace, List<RunningGoroutine> running) {
    Objects.requireNonNull(trace, "trace");
    Objects.requireNonNull(running, "running");
    Map<String, List<RunningGoroutine>> runningUnder = new LinkedHashMap<>();
    for (RunningGoroutine g : running) {
      if (!g.placedUnderSpanId().isEmpty()) {
        runningUnder.computeIfAbsent(g.placedUnderSpanId(), k -> new ArrayList<>()).add(g);
      }
    }
    Map<String, StoredSpan> byId = new LinkedHashMap<>();
    for (StoredSpan span : trace.spans()) {
      byId.putIfAbsent(span.spanId(), span);
    }
    Map<String, List<StoredSpan>> children = new LinkedHashMap<>();
    List<StoredSpan> roots = new ArrayList<>();
    for (StoredSpan span : byId.values()) {
      if (span.isRoot() || !byId.containsKey(span.parentSpanId())) {
        roots.add(span);
      } else {
        children.computeIfAbsent(span.parentSpanId(), k -> new ArrayList<>()).add(span);
      }
    }
    Comparator<StoredSpan> byStart = Comparator.comparingLong(s -> s.span().getStartTimeUnixNano());
    roots.sort(byStart);
    children.values().forEach(list -> list.sort(byStart));

    long start =
        trace.spans().stream().mapToLong(s -> s.span().getStartTimeUnixNano()).min().orElse(0);
    long end = trace.spans().stream().mapToLong(s -> s.span().getEndTimeUnixNano()).max().orElse(0);
    StringBuilder out = new StringBuilder();
    String shownId =
        traceUrl == null
            ? Untrusted.escape(trace.traceId(), MAX_ID_CHARS)
            : Untrusted.escape(traceUrl.apply(trace.traceId()), MAX_URL_CHARS);
    Line header =
        new Line()
            .keep("trace " + shownId, style::bold)
            .cut(
                "  ", "service ", name(trace.serviceName()), UnaryOperator.identity(), Line.SERVICE)
            .keep("  " + Values.count(trace.spans().size(), "span", "spans"))
            .keep("  " + Values.duration(end - start));
    String headerText = header.fit(columns);
    if (columns > 0 && header.width() > columns) {
      // the id or link is never cut: on a line of its own, with the rest fitted below it
      out.append(style.bold("trace " + shownId)).append('\n');
      headerText =
          new Line()
              .cut(
                  "", "service ", name(trace.serviceName()), UnaryOperator.identity(), Line.SERVICE)
              .keep("  " + Values.count(trace.spans().size(), "span", "spans"))
              .keep("  " + Values.duration(end - start))
              .fit(columns);
    }
    out.append(headerText).append('\n');
    Set<String> visited = new HashSet<>();
    for (int i = 0; i < roots.size(); i++) {
      renderSpan(
          out,
          roots.get(i),
          "",
          i == roots.size() - 1,
          new Tree(trace.serviceName(), children, visited, runningUnder));
    }
    return out.toString();
  }

  /**
   * Renders what a process reported running in a round of the live view: a header line (service,
   * instance, round, counts), then a line per goroutine with its id, name, state (what it waits on
   * and for how long) and short trace id; at most 50 goroutine lines.
   *
   * <pre>
   * running now  service shop (shop-1)  round 12  2 goroutines, 1 blocked
   *   #41  shuttle-go-7  blocked 2.10 s: chan send on jobs (len 10, cap 10)  trace 5b8efff7
   *   #42  fetch-2  running  trace 5b8efff7
   * </pre>
   *
   * @param process the process's round
   * @return the text, lines ending in {@code \n}
   */
  public String renderRunning(RunningProcess process) {
    return runningText.block(Objects.requireNonNull(process, "process"));
  }

  /**
   * What rendering one trace's spans shares: the trace's service (a span of another service, in a
   * trace that crossed processes, shows its own), the children of each span, the spans already
   * rendered, and the goroutines running under each span.
   */
  private record Tree(
      String service,
      Map<String, List<StoredSpan>> children,
      Set<String> visited,
      Map<String, List<RunningGoroutine>> runningUnder) {}

  private void renderSpan(
      StringBuilder out, StoredSpan stored, String indent, boolean last, Tree tree) {
    if (!tree.visited.add(stored.spanId())) {
      return;
    }
    Map<String, List<StoredSpan>> children = tree.children;
    List<RunningGoroutine> runningHere = tree.runningUnder.getOrDefault(stored.spanId(), List.of());
    Span span = stored.span();
    Line line =
        new Line()
            .keep(indent + (last ? "└─ " : "├─ "))
            .cut("", name(span.getName()), style::bold, Line.NAME);
    String kind = kind(span.getKind());
    if (!kind.isEmpty()) {
      line.keep(" (" + kind + ")");
    }
    if (!stored.serviceName().equals(tree.service)) {
      line.cut("  ", "service ", name(stored.serviceName()), style::cyan, Line.SERVICE);
    }
    line.keep("  " + Values.duration(span.getEndTimeUnixNano() - span.getStartTimeUnixNano()));
    status(line, span.getStatus());
    line.attributes("  ", Values.attributes(span.getAttributesList(), MAX_ATTRIBUTES), style::dim);
    if (!runningHere.isEmpty()) {
      line.keep("  ")
          .keep(
              "▶ " + Values.count(runningHere.size(), "goroutine", "goroutines") + " still running",
              style::yellow);
    }
    out.append(line.fit(columns)).append('\n');

    String childIndent = indent + (last ? "   " : "│  ");
    List<StoredSpan> kids = children.getOrDefault(stored.spanId(), List.of());
    String detailIndent = childIndent + (kids.isEmpty() ? "   " : "│  ");
    for (int i = 0; i < runningHere.size() && i < MAX_RUNNING_PER_SPAN; i++) {
      out.append(runningText.underSpan(detailIndent, runningHere.get(i))).append('\n');
    }
    if (runningHere.size() > MAX_RUNNING_PER_SPAN) {
      out.append(detailIndent)
          .append("… ")
          .append(runningHere.size() - MAX_RUNNING_PER_SPAN)
          .append(" more\n");
    }
    for (Span.Event event : span.getEventsList()) {
      String eventAttributes =
          Values.attributes(
              event.getAttributesList().stream()
                  .filter(a -> !a.getKey().equals(STACKTRACE)) // kept in the dump, not on screen
                  .toList(),
              MAX_ATTRIBUTES);
      Line eventLine =
          new Line()
              .keep(detailIndent)
              .cut("", "• ", name(event.getName()), style::cyan, Line.NAME)
              .keep(" +" + Values.duration(event.getTimeUnixNano() - span.getStartTimeUnixNano()))
              .attributes(" ", eventAttributes, style::dim);
      out.append(eventLine.fit(columns)).append('\n');
    }
    for (Span.Link link : span.getLinksList()) {
      Line linkLine =
          new Line()
              .keep(detailIndent)
              .keep("↪ link ", style::cyan)
              .keep(id(link.getTraceId()) + "/" + id(link.getSpanId()))
              .attributes(
                  " ", Values.attributes(link.getAttributesList(), MAX_ATTRIBUTES), style::dim);
      out.append(linkLine.fit(columns)).append('\n');
    }
    for (int i = 0; i < kids.size(); i++) {
      renderSpan(out, kids.get(i), childIndent, i == kids.size() - 1, tree);
    }
  }

  private void status(Line line, Status status) {
    switch (status.getCode()) {
      case STATUS_CODE_OK -> line.keep("  ").keep("OK", style::green);
      case STATUS_CODE_ERROR ->
          line.cut(
              "  ",
              "ERROR",
              status.getMessage().isEmpty() ? "" : ": " + name(status.getMessage()),
              style::red,
              Line.DETAILS);
      default -> {}
    }
  }

  private static String kind(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_SERVER -> "server";
      case SPAN_KIND_CLIENT -> "client";
      case SPAN_KIND_PRODUCER -> "producer";
      case SPAN_KIND_CONSUMER -> "consumer";
      default -> "";
    };
  }

  /** Escapes and cuts a name, a status message or a service name that came over the network. */
  private static String name(String text) {
    return Untrusted.escape(text, Untrusted.MAX_NAME_CHARS);
  }

  /** Formats an id in hex, cut to {@value #MAX_ID_CHARS} chars should it be longer than OTLP's. */
  private static String id(ByteString id) {
    ByteString shown = id.substring(0, Math.min(id.size(), MAX_ID_CHARS / 2 + 1));
    return Untrusted.escape(HexFormat.of().formatHex(shown.toByteArray()), MAX_ID_CHARS);
  }
}
