package dev.shuttle.receiver.viewer;

import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The concurrency insight of one trace: its spans in tree order with their depth, the critical
 * path, each span's parallelism and longest child, the queue wait of pool jobs, and the lanes that
 * put the goroutines of one construct side by side.
 *
 * <p>Definitions (also in {@code docs/viewer.md}):
 *
 * <ul>
 *   <li><b>Tree order</b>: depth first from the roots, children by start time (then arrival). The
 *       roots are the spans without a parent, by start time, then the spans whose parent is not
 *       held ({@code parentMissing}), by start time. A span id that arrived twice counts once (its
 *       first arrival). Spans that only reach each other through a cycle of parent ids come last,
 *       each cycle entered at its earliest span, which is shown as a root.
 *   <li><b>Critical path</b>: from the first root in tree order, the child that ended last (the one
 *       that held its parent up; of two that ended together, the one that started first), then its
 *       child that ended last, and so on down to a span without children.
 *   <li><b>Parallelism</b> of a span with children: the sum of its children's durations divided by
 *       the wall time the span and its children cover together, from the earliest start to the
 *       latest end among them; 2.0 means that on average two children ran at once. The wall time is
 *       the span's own duration when it waits for its children (a fan-out, an ErrGroup); it is
 *       longer when children outlive their parent (jobs submitted to a pool), which would otherwise
 *       be credited with parallelism that never ran. None for a span without children, or when that
 *       wall time is zero. The <b>longest child</b> is the child with the longest duration (the
 *       first in tree order of equals).
 *   <li><b>Queue wait</b>: the span's {@code job.queue_wait_ns} attribute (Shuttle's worker pools,
 *       fixed and dynamic, and its bounded pool record it), an integer of at least 0: the time
 *       between submission and start, which ends where the span starts.
 *   <li><b>Lanes</b>, each span in at most one, the first that applies: a <em>pool worker</em> lane
 *       for the spans with the same {@code worker_pool.name} and {@code worker.id} (the jobs one
 *       worker ran); a <em>stage worker</em> lane for the same {@code pipeline.name}, {@code
 *       pipeline.stage} and {@code worker.index}; a <em>fan-out worker</em> lane for a {@code
 *       worker.index} without a stage, by span name; and a <em>group</em> lane for the children of
 *       one span that overlap in time with a sibling (the tasks of an ErrGroup, a WaitGroup or a
 *       bounded pool that several ran at once), when at least two do. Lanes are ordered by their
 *       first span's start, their spans by start.
 * </ul>
 *
 * <p>Durations are {@code end - start}, or 0 for a span that ends before it starts. The analysis is
 * iterative (a chain of 100,000 spans does not overflow the stack) and takes O(n log n) time.
 *
 * <p>Thread-safety: immutable once built and safe to share.
 */
final class TraceAnalysis {
  /** The queue wait attribute of Shuttle's pools ({@code PoolAttributes.JOB_QUEUE_WAIT_NS}). */
  static final String QUEUE_WAIT = "job.queue_wait_ns";

  static final String POOL_NAME = "worker_pool.name";
  static final String WORKER_ID = "worker.id";
  static final String PIPELINE_NAME = "pipeline.name";
  static final String PIPELINE_STAGE = "pipeline.stage";
  static final String WORKER_INDEX = "worker.index";

  /**
   * One span with what the analysis found.
   *
   * @param span the span
   * @param depth 0 for a root, 1 for its children, ...
   * @param parentMissing whether the span has a parent id whose span is not held
   * @param childSpanIds its children in tree order
   * @param durationNanos its duration, at least 0
   * @param queueWaitNanos its queue wait, or null
   * @param parallelism the sum of its children's durations over the wall time it and they cover, or
   *     null
   * @param longestChildSpanId the child that ran longest, or null
   * @param onCriticalPath whether it is on the critical path
   * @param lane the key of its lane, or null
   */
  record SpanInfo(
      StoredSpan span,
      int depth,
      boolean parentMissing,
      List<String> childSpanIds,
      long durationNanos,
      @Nullable Long queueWaitNanos,
      @Nullable Double parallelism,
      @Nullable String longestChildSpanId,
      boolean onCriticalPath,
      @Nullable String lane) {}

  /**
   * Goroutines of one construct, side by side.
   *
   * @param key identifies the lane within the trace, such as {@code pool:worker-pool:3}
   * @param label for people, such as {@code worker-pool worker 3}
   * @param spanIds its spans by start time
   */
  record Lane(String key, String label, List<String> spanIds) {}

  private final List<SpanInfo> spans;
  private final List<String> criticalPath;
  private final List<Lane> lanes;
  private final long startNanos;
  private final long endNanos;

  private TraceAnalysis(
      List<SpanInfo> spans,
      List<String> criticalPath,
      List<Lane> lanes,
      long startNanos,
      long endNanos) {
    this.spans = spans;
    this.criticalPath = criticalPath;
    this.lanes = lanes;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
  }

  /** The spans in tree order. */
  List<SpanInfo> spans() {
    return spans;
  }

  /** The span ids of the critical path, root first. */
  List<String> criticalPath() {
    return criticalPath;
  }

  /** The lanes, by their first span's start. */
  List<Lane> lanes() {
    return lanes;
  }

  /** The earliest start of a span, in nanoseconds since the epoch. */
  long startNanos() {
    return startNanos;
  }

  /** The latest end of a span (or start, if later), in nanoseconds since the epoch. */
  long endNanos() {
    return endNanos;
  }

  /** Analyses a trace. */
  static TraceAnalysis of(StoredTrace trace) {
    return new Builder(trace).build();
  }

  /** The queue wait recorded on a span, or null: a {@value #QUEUE_WAIT} integer of at least 0. */
  static @Nullable Long queueWait(List<KeyValue> attributes) {
    AnyValue value = attribute(attributes, QUEUE_WAIT);
    if (value != null
        && value.getValueCase() == AnyValue.ValueCase.INT_VALUE
        && value.getIntValue() >= 0) {
      return value.getIntValue();
    }
    return null;
  }

  private static @Nullable AnyValue attribute(List<KeyValue> attributes, String key) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key)) {
        return attribute.getValue();
      }
    }
    return null;
  }

  /** A string or integer attribute as text, or null if absent or of another type. */
  private static @Nullable String word(List<KeyValue> attributes, String key) {
    AnyValue value = attribute(attributes, key);
    if (value == null) {
      return null;
    }
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      default -> null;
    };
  }

  /** The working state of one analysis. */
  private static final class Builder {
    private final List<StoredSpan> unique = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final long[] start;
    private final long[] end;
    private final boolean[] parentMissing;
    private final List<List<Integer>> kids = new ArrayList<>();
    private final List<List<Integer>> treeKids = new ArrayList<>();
    private final int[] depth;
    private final List<Integer> order = new ArrayList<>();
    private final @Nullable String[] lane;
    private final Map<List<String>, LaneMembers> laneByIdentity = new HashMap<>();
    private final Map<String, LaneMembers> laneByKey = new LinkedHashMap<>();

    /** A lane being built: its key, label and spans (indices). */
    private record LaneMembers(String key, String label, List<Integer> members) {}

    Builder(StoredTrace trace) {
      for (StoredSpan span : trace.spans()) {
        if (index.putIfAbsent(span.spanId(), unique.size()) == null) {
          unique.add(span);
        }
      }
      int n = unique.size();
      start = new long[n];
      end = new long[n];
      parentMissing = new boolean[n];
      depth = new int[n];
      lane = new String[n];
      for (int i = 0; i < n; i++) {
        StoredSpan span = unique.get(i);
        start[i] = span.span().getStartTimeUnixNano();
        end[i] = Math.max(start[i], span.span().getEndTimeUnixNano());
        kids.add(new ArrayList<>());
        treeKids.add(new ArrayList<>());
      }
    }

    private long duration(int i) {
      return end[i] - start[i];
    }

    private Comparator<Integer> byStart() {
      return Comparator.<Integer>comparingLong(i -> start[i]).thenComparingInt(i -> i);
    }

    TraceAnalysis build() {
      int n = unique.size();
      List<Integer> roots = new ArrayList<>();
      List<Integer> orphans = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        StoredSpan span = unique.get(i);
        if (span.isRoot()) {
          roots.add(i);
          continue;
        }
        Integer parent = index.get(span.parentSpanId());
        if (parent == null) {
          parentMissing[i] = true;
          orphans.add(i);
        } else if (parent != i) {
          kids.get(parent).add(i);
        } else {
          roots.add(i); // its own parent: shown as a root
        }
      }
      roots.sort(byStart());
      orphans.sort(byStart());
      kids.forEach(list -> list.sort(byStart()));
      boolean[] visited = new boolean[n];
      roots.forEach(r -> walk(r, visited));
      orphans.forEach(r -> walk(r, visited));
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(i);
      }
      all.sort(byStart());
      for (int i : all) {
        if (!visited[i]) {
          walk(i, visited); // a cycle of parent ids: entered at its earliest span
        }
      }

      Set<Integer> critical = new HashSet<>();
      List<String> path = new ArrayList<>();
      if (!order.isEmpty()) {
        int current = order.getFirst();
        while (true) {
          critical.add(current);
          path.add(unique.get(current).spanId());
          int next = -1;
          for (int k : treeKids.get(current)) {
            if (next < 0 || end[k] > end[next]) {
              next = k;
            }
          }
          if (next < 0) {
            break;
          }
          current = next;
        }
      }

      assignConstructLanes();
      assignGroupLanes();

      List<SpanInfo> infos = new ArrayList<>(n);
      for (int i : order) {
        List<Integer> children = treeKids.get(i);
        Double parallelism = null;
        String longest = null;
        if (!children.isEmpty()) {
          long sum = 0;
          long from = start[i];
          long to = end[i];
          int longestIndex = children.getFirst();
          for (int k : children) {
            sum += duration(k);
            from = Math.min(from, start[k]);
            to = Math.max(to, end[k]);
            if (duration(k) > duration(longestIndex)) {
              longestIndex = k;
            }
          }
          longest = unique.get(longestIndex).spanId();
          if (to > from) {
            parallelism = (double) sum / (to - from);
          }
        }
        StoredSpan span = unique.get(i);
        infos.add(
            new SpanInfo(
                span,
                depth[i],
                parentMissing[i],
                children.stream().map(k -> unique.get(k).spanId()).toList(),
                duration(i),
                queueWait(span.span().getAttributesList()),
                parallelism,
                longest,
                critical.contains(i),
                lane[i]));
      }
      long traceStart = Arrays.stream(start).min().orElse(0);
      long traceEnd = Arrays.stream(end).max().orElse(0);
      return new TraceAnalysis(
          List.copyOf(infos), List.copyOf(path), finishLanes(), traceStart, traceEnd);
    }

    /** Depth first from {@code root}, iteratively; children in start order. */
    private void walk(int root, boolean[] visited) {
      Deque<int[]> stack = new ArrayDeque<>();
      visited[root] = true;
      stack.push(new int[] {root, 0});
      while (!stack.isEmpty()) {
        int[] top = stack.pop();
        int i = top[0];
        depth[i] = top[1];
        order.add(i);
        List<Integer> children = treeKids.get(i);
        for (int k : kids.get(i)) {
          if (!visited[k]) {
            visited[k] = true;
            children.add(k);
          }
        }
        for (int c = children.size() - 1; c >= 0; c--) {
          stack.push(new int[] {children.get(c), top[1] + 1});
        }
      }
    }

    /** Pool worker, stage worker and fan-out worker lanes, from the spans' attributes. */
    private void assignConstructLanes() {
      for (int i : order) {
        List<KeyValue> attributes = unique.get(i).span().getAttributesList();
        String pool = word(attributes, POOL_NAME);
        String worker = word(attributes, WORKER_ID);
        if (pool != null && worker != null) {
          join(i, List.of("pool", pool, worker), pool + " worker " + worker);
          continue;
        }
        String index = word(attributes, WORKER_INDEX);
        if (index == null) {
          continue;
        }
        String pipeline = word(attributes, PIPELINE_NAME);
        String stage = word(attributes, PIPELINE_STAGE);
        if (pipeline != null && stage != null) {
          join(
              i,
              List.of("stage", pipeline, stage, index),
              pipeline + " / " + stage + " worker " + index);
        } else {
          String name = unique.get(i).name();
          join(i, List.of("worker", name, index), name + " worker " + index);
        }
      }
    }

    /** Group lanes: children of one span that overlap a sibling in time, if at least two do. */
    private void assignGroupLanes() {
      for (int parent : order) {
        List<Integer> free = new ArrayList<>();
        for (int k : treeKids.get(parent)) {
          if (lane[k] == null) {
            free.add(k);
          }
        }
        if (free.size() < 2) {
          continue;
        }
        // sweep in start order, remembering the sibling that ends last so far
        boolean[] overlaps = new boolean[free.size()];
        int latest = 0;
        for (int j = 1; j < free.size(); j++) {
          int k = free.get(j);
          int before = free.get(latest);
          if (start[k] < end[before]) { // and start[before] <= start[k]: they overlap
            overlaps[j] = true;
            overlaps[latest] = true;
          }
          if (end[k] > end[before]) {
            latest = j;
          }
        }
        List<Integer> members = new ArrayList<>();
        for (int j = 0; j < free.size(); j++) {
          if (overlaps[j]) {
            members.add(free.get(j));
          }
        }
        if (members.size() >= 2) {
          StoredSpan span = unique.get(parent);
          for (int k : members) {
            join(k, List.of("group", span.spanId()), "tasks of " + span.name());
          }
        }
      }
    }

    private void join(int i, List<String> identity, String label) {
      LaneMembers lane = laneByIdentity.get(identity);
      if (lane == null) {
        String readable = String.join(":", identity);
        String key = readable;
        for (int n = 2; laneByKey.containsKey(key); n++) {
          key = readable + "~" + n; // a name with ':' in it made the same text
        }
        lane = new LaneMembers(key, label, new ArrayList<>());
        laneByIdentity.put(identity, lane);
        laneByKey.put(key, lane);
      }
      this.lane[i] = lane.key();
      lane.members().add(i);
    }

    private List<Lane> finishLanes() {
      List<LaneMembers> built = new ArrayList<>(laneByKey.values());
      built.forEach(l -> l.members().sort(byStart()));
      built.sort(Comparator.comparingLong(l -> start[l.members().getFirst()]));
      return built.stream()
          .map(
              l ->
                  new Lane(
                      l.key(),
                      l.label(),
                      l.members().stream().map(i -> unique.get(i).spanId()).toList()))
          .toList();
    }
  }
}
