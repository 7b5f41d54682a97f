package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.viewer.Otlp.attr;
import static dev.shuttle.receiver.viewer.Otlp.id;
import static dev.shuttle.receiver.viewer.Otlp.span;
import static dev.shuttle.receiver.viewer.Otlp.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The concurrency insight of hand-built traces whose answers are worked out by hand. */
class TraceAnalysisTest {

  private static Map<String, TraceAnalysis.SpanInfo> byName(TraceAnalysis analysis) {
    return analysis.spans().stream()
        .collect(Collectors.toMap(s -> s.span().name(), Function.identity()));
  }

  private static List<String> names(TraceAnalysis analysis) {
    return analysis.spans().stream().map(s -> s.span().name()).toList();
  }

  private static List<String> ids(String... names) {
    List<String> ids = new ArrayList<>();
    for (String name : names) {
      ids.add(id(name));
    }
    return ids;
  }

  @Test
  void aFanOutWithKnownOverlapHasKnownParallelismLongestChildAndGroup() {
    // given: root [0, 100] ms; a sequential child d [0, 5]; then a, b, c fanned out:
    // a [10, 60], b [20, 70], c [30, 100]. Children's time: 5 + 50 + 50 + 70 = 175 ms over a
    // wall time of 100 ms: parallelism 1.75; c ran longest (70 ms) and ended last.
    StoredTrace trace =
        trace(
            span("c", "root", 30, 100),
            span("a", "root", 10, 60),
            span("root", "", 0, 100),
            span("b", "root", 20, 70),
            span("d", "root", 0, 5));

    // when
    TraceAnalysis analysis = TraceAnalysis.of(trace);

    // then: tree order (children by start), depths, the insight
    assertThat(names(analysis)).containsExactly("root", "d", "a", "b", "c");
    Map<String, TraceAnalysis.SpanInfo> spans = byName(analysis);
    assertThat(spans.get("root").depth()).isZero();
    assertThat(spans.get("a").depth()).isEqualTo(1);
    assertThat(spans.get("root").parallelism()).isCloseTo(1.75, within(1e-12));
    assertThat(spans.get("root").longestChildSpanId()).isEqualTo(id("c"));
    assertThat(spans.get("root").childSpanIds()).containsExactlyElementsOf(ids("d", "a", "b", "c"));
    assertThat(spans.get("a").parallelism()).isNull(); // no children
    assertThat(analysis.criticalPath()).containsExactlyElementsOf(ids("root", "c"));
    // a, b and c overlap one another; d overlaps none of them and stays out of the group
    assertThat(analysis.lanes())
        .containsExactly(
            new TraceAnalysis.Lane("group:" + id("root"), "tasks of root", ids("a", "b", "c")));
    assertThat(spans.get("d").lane()).isNull();
    assertThat(spans.get("b").lane()).isEqualTo("group:" + id("root"));
    assertThat(analysis.startNanos()).isEqualTo(Otlp.ms(0));
    assertThat(analysis.endNanos()).isEqualTo(Otlp.ms(100));
  }

  @Test
  void theCriticalPathFollowsTheChildThatEndedLastAtEveryLevel() {
    // given: root [0, 100]: a [0, 40] with a1 [0, 40]; b [40, 90] with b1 [40, 60] and
    // b2 [50, 85]. At the root b ends last (90 > 40), under b b2 (85 > 60); b2 has no children.
    StoredTrace trace =
        trace(
            span("root", "", 0, 100),
            span("a", "root", 0, 40),
            span("a1", "a", 0, 40),
            span("b", "root", 40, 90),
            span("b1", "b", 40, 60),
            span("b2", "b", 50, 85));

    // when
    TraceAnalysis analysis = TraceAnalysis.of(trace);

    // then
    assertThat(analysis.criticalPath()).containsExactlyElementsOf(ids("root", "b", "b2"));
    assertThat(analysis.spans().stream().filter(TraceAnalysis.SpanInfo::onCriticalPath))
        .extracting(s -> s.span().name())
        .containsExactly("root", "b", "b2");
    assertThat(names(analysis)).containsExactly("root", "a", "a1", "b", "b1", "b2");
    Map<String, TraceAnalysis.SpanInfo> spans = byName(analysis);
    // root: (40 + 50) / 100; b: (20 + 35) / 50; a: 40 / 40
    assertThat(spans.get("root").parallelism()).isCloseTo(0.9, within(1e-12));
    assertThat(spans.get("b").parallelism()).isCloseTo(1.1, within(1e-12));
    assertThat(spans.get("a").parallelism()).isCloseTo(1.0, within(1e-12));
    assertThat(spans.get("b1").depth()).isEqualTo(2);
    // b1 [40, 60] and b2 [50, 85] overlap: a group under b; a and b follow one another: none
    assertThat(analysis.lanes())
        .extracting(TraceAnalysis.Lane::key)
        .containsExactly("group:" + id("b"));
  }

  @Test
  void ofTwoChildrenThatEndTogetherTheCriticalPathTakesTheOneThatStartedFirst() {
    StoredTrace trace =
        trace(span("root", "", 0, 10), span("late", "root", 5, 10), span("early", "root", 1, 10));
    assertThat(TraceAnalysis.of(trace).criticalPath())
        .containsExactlyElementsOf(ids("root", "early"));
  }

  @Test
  void aPoolTraceHasQueueWaitsWorkerLanesAndAWallTimeThatCoversItsJobs() {
    // given: a submitter s [0, 2] ms hands four jobs to pool p, whose workers 1 and 2 each run
    // two, one after the other; the jobs outlive the submitter.
    StoredTrace trace =
        trace(
            span("s", "", 0, 2),
            job("j1", 1, 21, 1, 100_000),
            job("j2", 1.5, 21.5, 2, 50_000),
            job("j3", 21, 41, 1, 20_000_000),
            job("j4", 21.5, 41.5, 2, 20_000_000));

    // when
    TraceAnalysis analysis = TraceAnalysis.of(trace);

    // then: the queue wait of each job, a lane per worker, jobs in start order
    Map<String, TraceAnalysis.SpanInfo> spans = byName(analysis);
    assertThat(spans.get("j1").queueWaitNanos()).isEqualTo(100_000L);
    assertThat(spans.get("j3").queueWaitNanos()).isEqualTo(20_000_000L);
    assertThat(spans.get("s").queueWaitNanos()).isNull();
    assertThat(analysis.lanes())
        .containsExactly(
            new TraceAnalysis.Lane("pool:p:1", "p worker 1", ids("j1", "j3")),
            new TraceAnalysis.Lane("pool:p:2", "p worker 2", ids("j2", "j4")));
    // four jobs of 20 ms within the wall time of s and its jobs, 0 to 41.5 ms (not s's 2 ms)
    assertThat(spans.get("s").parallelism()).isCloseTo(80 / 41.5, within(1e-12));
    assertThat(analysis.criticalPath()).containsExactlyElementsOf(ids("s", "j4"));
  }

  private static Span.Builder job(String name, double start, double end, long worker, long wait) {
    return span(name, "s", start, end)
        .addAttributes(attr("worker_pool.name", "p"))
        .addAttributes(attr("worker.id", worker))
        .addAttributes(attr("job.queue_wait_ns", wait));
  }

  @Test
  void aQueueWaitThatIsNotAWholeNumberOfAtLeastZeroIsNone() {
    assertThat(TraceAnalysis.queueWait(List.of(attr("job.queue_wait_ns", "5")))).isNull();
    assertThat(TraceAnalysis.queueWait(List.of(attr("job.queue_wait_ns", -1)))).isNull();
    assertThat(TraceAnalysis.queueWait(List.of(attr("job.queue_wait_ns", 0)))).isZero();
  }

  @Test
  void stageWorkersAndFanOutWorkersGetLanesOfTheirOwn() {
    // given: items of pipeline p through stage s on workers 0 and 1, and a fan-out's workers
    StoredTrace trace =
        trace(
            span("root", "", 0, 100),
            stage("i1", 0, 10, 0),
            stage("i2", 5, 15, 1),
            stage("i3", 10, 20, 0),
            span("f1", "root", 30, 40).addAttributes(attr("worker.index", 0)),
            span("f2", "root", 30, 45).addAttributes(attr("worker.index", 1)));

    // when
    TraceAnalysis analysis = TraceAnalysis.of(trace);

    // then: the span name of a fan-out worker is part of its lane (f1 and f2 differ)
    assertThat(analysis.lanes())
        .extracting(TraceAnalysis.Lane::key, TraceAnalysis.Lane::spanIds)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("stage:p:s:0", ids("i1", "i3")),
            org.assertj.core.groups.Tuple.tuple("stage:p:s:1", ids("i2")),
            org.assertj.core.groups.Tuple.tuple("worker:f1:0", ids("f1")),
            org.assertj.core.groups.Tuple.tuple("worker:f2:1", ids("f2")));
  }

  private static Span.Builder stage(String name, double start, double end, long worker) {
    return span(name, "root", start, end)
        .addAttributes(attr("pipeline.name", "p"))
        .addAttributes(attr("pipeline.stage", "s"))
        .addAttributes(attr("worker.index", worker));
  }

  @Test
  void spansWhoseParentIsMissingComeAfterTheRootsAsRootsAndDuplicatesCountOnce() {
    // given: a root, a child, an orphan (parent "gone" never arrived) that starts first, and the
    // child sent twice
    StoredTrace trace =
        trace(
            span("orphan", "gone", -5, 1),
            span("child", "root", 1, 2),
            span("root", "", 0, 3),
            span("child", "root", 1, 2),
            span("kid", "orphan", -4, 0));

    // when
    TraceAnalysis analysis = TraceAnalysis.of(trace);

    // then
    assertThat(names(analysis)).containsExactly("root", "child", "orphan", "kid");
    Map<String, TraceAnalysis.SpanInfo> spans = byName(analysis);
    assertThat(spans.get("orphan").parentMissing()).isTrue();
    assertThat(spans.get("orphan").depth()).isZero();
    assertThat(spans.get("kid").depth()).isEqualTo(1);
    assertThat(spans.get("root").parentMissing()).isFalse();
    assertThat(analysis.criticalPath()).containsExactlyElementsOf(ids("root", "child"));
    assertThat(analysis.startNanos()).isEqualTo(Otlp.ms(-5));
  }

  @Test
  void aCycleOfParentIdsLosesNoSpanAndAChainOfAHundredThousandSpansIsWalked() {
    // given: x and y each other's parent, z its own parent
    StoredTrace cycle = trace(span("x", "y", 1, 2), span("y", "x", 0, 3), span("z", "z", 5, 6));
    // then: every span appears once; y (the earliest of the cycle) is entered first
    assertThat(names(TraceAnalysis.of(cycle))).containsExactlyInAnyOrder("x", "y", "z");
    assertThat(names(TraceAnalysis.of(cycle))).containsExactly("z", "y", "x");

    // given: a chain 100,000 deep
    List<StoredSpan> chain = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      Span.Builder span =
          Span.newBuilder()
              .setTraceId(Otlp.bytes(Otlp.TRACE))
              .setSpanId(Otlp.bytes(String.format("%016x", i + 1)))
              .setName("s" + i)
              .setStartTimeUnixNano(Otlp.ms(i))
              .setEndTimeUnixNano(Otlp.ms(i + 1));
      if (i > 0) {
        span.setParentSpanId(Otlp.bytes(String.format("%016x", i)));
      }
      chain.add(Otlp.stored("deep", span));
    }
    // when
    TraceAnalysis deep = TraceAnalysis.of(new StoredTrace(Otlp.TRACE, chain));
    // then
    assertThat(deep.spans()).hasSize(100_000);
    assertThat(deep.spans().getLast().depth()).isEqualTo(99_999);
    assertThat(deep.criticalPath()).hasSize(100_000);
  }

  @Test
  void aSpanThatEndsBeforeItStartsLastsZero() {
    StoredTrace trace = trace(span("root", "", 10, 5), span("kid", "root", 10, 10));
    TraceAnalysis analysis = TraceAnalysis.of(trace);
    assertThat(byName(analysis).get("root").durationNanos()).isZero();
    assertThat(byName(analysis).get("root").parallelism()).isNull(); // no wall time at all
  }
}
