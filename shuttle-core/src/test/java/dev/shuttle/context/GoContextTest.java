package dev.shuttle.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Go's {@code context} package tests, ported to {@link Contexts}.
 *
 * <p>Sources, all from golang/go:
 *
 * <ul>
 *   <li>{@code src/context/x_test.go}: the stored copy in the code index records no commit; it is
 *       the Go 1.21+ form of the file (with {@code quiescent}, {@code TestCause}, {@code
 *       TestCauseRace}, {@code TestWithoutCancel}, {@code TestCustomContextCause} and the {@code
 *       TestAfterFunc*} tests).
 *   <li>{@code src/context/context_test.go}: the {@code XTest*} functions that need the package's
 *       internals ({@code XTestParentFinishesChild}, {@code XTestChildFinishesFirst}, {@code
 *       XTestCancelRemoves}). The stored copy records no commit either; it is the Go 1.21+ form,
 *       which counts an {@code AfterFunc} among a parent's children.
 *   <li>{@code src/context/afterfunc_test.go} at commit {@code
 *       518a9bb272488c9eea4b7f316515c7aef8a199e4}: not ported, see below.
 * </ul>
 *
 * <p>Translation: Go's {@code <-ctx.Done()} in a {@code select} with {@code default} is {@link
 * Contexts#isDone}; a blocking {@code <-ctx.Done()} is {@link Cancellation#await(Duration)} with a
 * generous bound ({@code quiescent}); {@code ctx.Err()} is {@link Contexts#err}; {@code Cause(ctx)}
 * is {@link Contexts#cause}. Go's sentinel errors {@code Canceled} and {@code DeadlineExceeded} as
 * a cause are, in Shuttle, a {@link ContextDoneException} with that {@link ContextError} (created
 * where the context was cancelled, so it is a new instance, never a shared sentinel). Go's {@code
 * otherContext} (a context type the package does not know) is an OpenTelemetry context derived from
 * a Shuttle one by code that knows nothing of Shuttle, here by adding a value, as the OpenTelemetry
 * agent does when it adds a span. Go's parent's {@code children} map is {@link
 * CancelState#listenerCount()}.
 *
 * <p>Not ported:
 *
 * <ul>
 *   <li>The {@code String()} checks in {@code TestBackground}, {@code TestTODO}, {@code
 *       TestWithCancel}, {@code TestDeadline}, {@code TestTimeout} and {@code testLayers}: Shuttle
 *       stores its state inside an OpenTelemetry context, whose {@code toString} is OpenTelemetry's
 *       (ADR 0001). The rest of those tests is ported.
 *   <li>The {@code parentCancelCtx} linkage checks in {@code XTestParentFinishesChild} and {@code
 *       XTestChildFinishesFirst}: Go internals; the child counts are ported.
 *   <li>{@code TestValues}, {@code TestWithValueChecksKey}, and the {@code WithValue(nil, ..)} part
 *       of {@code TestInvalidDerivedFail}: values are OpenTelemetry's {@code
 *       Context.with(ContextKey, value)}, not Shuttle code. That Shuttle's derived contexts keep
 *       every value is checked in {@code testLayers*} and {@code testWithoutCancel}.
 *   <li>{@code TestAllocs}: Go allocation counts.
 *   <li>{@code TestCustomContextPropagation}, {@code TestCustomContextCause}, {@code
 *       XTestCustomContextGoroutines} and every test in {@code afterfunc_test.go} ({@code
 *       TestCustomContextAfterFunc*}): they need a user-written context type with its own {@code
 *       Done}/{@code Err}/{@code AfterFunc}. Shuttle deliberately has none: {@link Cancellation} is
 *       sealed, the cancellation state of any context is Shuttle's or absent (then it behaves as
 *       {@code Background}), and propagation never starts a thread, so there is no goroutine count
 *       to check.
 * </ul>
 */
@Timeout(30)
class GoContextTest {
  /** Go's {@code shortDuration}: a reasonable duration to block in a test. */
  private static final Duration SHORT = Duration.ofMillis(1);

  /** Go's {@code veryLongDuration}: an arbitrary upper bound on the test's running time. */
  private static final Duration VERY_LONG = Duration.ofHours(1000);

  /** Go's {@code quiescent(t)}: by when any remaining work must be finished. */
  private static final Duration QUIESCENT = Duration.ofSeconds(10);

  /** How long a test that checks something does not happen waits for it (Go: shortDuration). */
  private static final Duration NOT_HAPPENING = Duration.ofMillis(50);

  private static final ContextKey<String> OTHER = ContextKey.named("other");
  private static final ContextKey<String> KEY = ContextKey.named("key");
  private static final Span PARENT_SPAN =
      Span.wrap(
          SpanContext.create(
              "0af7651916cd43dd8448eb211c80319c",
              "b7ad6b7169203331",
              TraceFlags.getSampled(),
              TraceState.getDefault()));

  /** Go's {@code otherContext{c}}: a context derived by code that does not know Shuttle. */
  private static Context other(Context c) {
    return c.with(OTHER, "other");
  }

  private static Context other(CancelableContext c) {
    return other(c.context());
  }

  private static CancelState state(Context c) {
    return (CancelState) Contexts.cancellation(c);
  }

  @Test
  void testBackground() throws InterruptedException {
    // given
    Context c = Context.root();

    // then: never done, and nothing else either
    assertThat(Contexts.isDone(c)).isFalse();
    assertThat(Contexts.err(c)).isNull();
    assertThat(Contexts.cause(c)).isNull();
    assertThat(Contexts.deadline(c)).isEmpty();
    assertThat(Contexts.cancellation(c).await(Duration.ofMillis(20))).isFalse();
  }

  /** Java has no {@code TODO()}: the placeholder is {@code Context.current()} outside any scope. */
  @Test
  void testTODO() {
    // given
    Context c = Context.current();

    // then
    assertThat(Contexts.isDone(c)).isFalse();
    assertThat(Contexts.err(c)).isNull();
  }

  @Test
  void testWithCancel() throws InterruptedException {
    // given
    CancelableContext c1 = Contexts.withCancel(Context.root());
    Context o = other(c1);
    CancelableContext c2 = Contexts.withCancel(o);
    List<Context> contexts = List.of(c1.context(), o, c2.context());

    // then
    for (Context c : contexts) {
      assertThat(Contexts.isDone(c)).as("%s should block", c).isFalse();
      assertThat(Contexts.err(c)).isNull();
      assertThat(Contexts.cause(c)).isNull();
    }

    // when
    c1.cancel(); // should propagate synchronously

    // then
    for (int i = 0; i < contexts.size(); i++) {
      Context c = contexts.get(i);
      assertThat(Contexts.isDone(c)).as("c[%d] done", i).isTrue();
      assertThat(Contexts.cancellation(c).await(Duration.ZERO)).isTrue();
      assertThat(Contexts.err(c)).as("c[%d] err", i).isEqualTo(ContextError.CANCELED);
    }
  }

  @Test
  void testParentFinishesChild() {
    // given: parent -> cancelChild; parent -> valueChild -> timerChild; parent -> afterChild
    CancelableContext parent = Contexts.withCancel(Context.root());
    try (CancelableContext cancelChild = Contexts.withCancel(parent.context())) {
      Context valueChild = parent.context().with(KEY, "value");
      try (CancelableContext timerChild = Contexts.withTimeout(valueChild, VERY_LONG)) {
        Stoppable afterStop = Contexts.afterFunc(parent.context(), () -> {});
        for (Context c :
            List.of(parent.context(), cancelChild.context(), timerChild.context(), valueChild)) {
          assertThat(Contexts.isDone(c)).as("%s should block", c).isFalse();
        }
        // the parent's children: the two cancellable children and the afterFunc
        assertThat(state(parent.context()).listenerCount()).isEqualTo(3);

        // when
        parent.cancel();

        // then
        assertThat(state(parent.context()).listenerCount())
            .as("parent's cancel did not clear its children")
            .isZero();
        for (Context c :
            List.of(parent.context(), cancelChild.context(), valueChild, timerChild.context())) {
          assertThat(Contexts.isDone(c)).as("%s done", c).isTrue();
          assertThat(Contexts.err(c)).isEqualTo(ContextError.CANCELED);
        }
        assertThat(state(timerChild.context()).hasTimer()).isFalse();

        // a context derived from a cancelled parent is cancelled
        Context precanceledChild = parent.context().with(KEY, "value");
        assertThat(Contexts.isDone(precanceledChild)).isTrue();
        assertThat(Contexts.err(precanceledChild)).isEqualTo(ContextError.CANCELED);
        assertThat(afterStop.stop()).isFalse();
      }
    }
  }

  @Test
  void testChildFinishesFirst() {
    try (CancelableContext cancelable = Contexts.withCancel(Context.root())) {
      for (boolean parentCancellable : new boolean[] {false, true}) {
        // given: first Background, then a cancellable parent
        Context parent = parentCancellable ? cancelable.context() : Context.root();
        CancelableContext child = Contexts.withCancel(parent);
        assertThat(Contexts.isDone(parent)).isFalse();
        assertThat(Contexts.isDone(child.context())).isFalse();
        if (parentCancellable) {
          assertThat(state(parent).listenerCount()).as("bad linkage").isEqualTo(1);
        }

        // when
        child.cancel();

        // then
        if (parentCancellable) {
          assertThat(state(parent).listenerCount())
              .as("child's cancel didn't remove itself from the parent's children")
              .isZero();
        }
        assertThat(Contexts.isDone(child.context())).isTrue();
        assertThat(Contexts.err(child.context())).isEqualTo(ContextError.CANCELED);
        assertThat(Contexts.isDone(parent)).as("parent should not be finished").isFalse();
        assertThat(Contexts.err(parent)).isNull();
      }
    }
  }

  /** Go's {@code testDeadline}: {@code c} times out within {@code quiescent}. */
  private static void testDeadline(Context c, String name) throws InterruptedException {
    assertThat(Contexts.cancellation(c).await(QUIESCENT))
        .as("%s: context not timed out after %s", name, QUIESCENT)
        .isTrue();
    assertThat(Contexts.err(c)).as("%s: err", name).isEqualTo(ContextError.DEADLINE_EXCEEDED);
  }

  @Test
  void testDeadline() throws InterruptedException {
    CancelableContext c = Contexts.withDeadline(Context.root(), Instant.now().plus(SHORT));
    testDeadline(c.context(), "WithDeadline");

    c = Contexts.withDeadline(Context.root(), Instant.now().plus(SHORT));
    Context o = other(c);
    testDeadline(o, "WithDeadline+otherContext");

    c = Contexts.withDeadline(Context.root(), Instant.now().plus(SHORT));
    o = other(c);
    c = Contexts.withDeadline(o, Instant.now().plus(VERY_LONG));
    testDeadline(c.context(), "WithDeadline+otherContext+WithDeadline");

    c = Contexts.withDeadline(Context.root(), Instant.now().minus(SHORT));
    testDeadline(c.context(), "WithDeadline+inthepast");

    c = Contexts.withDeadline(Context.root(), Instant.now());
    testDeadline(c.context(), "WithDeadline+now");
  }

  @Test
  void testTimeout() throws InterruptedException {
    CancelableContext c = Contexts.withTimeout(Context.root(), SHORT);
    testDeadline(c.context(), "WithTimeout");

    c = Contexts.withTimeout(Context.root(), SHORT);
    Context o = other(c);
    testDeadline(o, "WithTimeout+otherContext");

    c = Contexts.withTimeout(Context.root(), SHORT);
    o = other(c);
    c = Contexts.withTimeout(o, VERY_LONG);
    testDeadline(c.context(), "WithTimeout+otherContext+WithTimeout");
  }

  /** Go's parent times out after a second; a minute here, so a loaded machine cannot race it. */
  @Test
  void testCanceledTimeout() {
    // given
    try (CancelableContext parent = Contexts.withTimeout(Context.root(), Duration.ofMinutes(1))) {
      Context o = other(parent);
      CancelableContext c = Contexts.withTimeout(o, VERY_LONG);

      // when
      c.cancel(); // should propagate synchronously

      // then
      assertThat(Contexts.isDone(c.context())).isTrue();
      assertThat(Contexts.err(c.context())).isEqualTo(ContextError.CANCELED);
      assertThat(state(c.context()).hasTimer()).isFalse();
    }
  }

  @Test
  void testSimultaneousCancels() throws InterruptedException {
    // given: a tree of contexts
    CancelableContext root = Contexts.withCancel(Context.root());
    List<CancelableContext> m = new ArrayList<>(List.of(root));
    Deque<CancelableContext> q = new ArrayDeque<>(List.of(root));
    while (!q.isEmpty() && m.size() < 100) {
      CancelableContext parent = q.removeFirst();
      for (int i = 0; i < 4; i++) {
        CancelableContext ctx = Contexts.withCancel(parent.context());
        m.add(ctx);
        q.addLast(ctx);
      }
    }

    // when: all the cancels start at once, in a random order
    Collections.shuffle(m);
    CountDownLatch cancelsReturned = new CountDownLatch(m.size());
    CountDownLatch start = new CountDownLatch(1);
    for (CancelableContext ctx : m) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  start.await();
                  ctx.cancel();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  cancelsReturned.countDown();
                }
              });
    }
    start.countDown();

    // then: every context is done (waited on in another random order), every cancel returned
    Collections.shuffle(m);
    for (CancelableContext ctx : m) {
      assertThat(ctx.cancellation().await(QUIESCENT))
          .as("timed out after %s waiting for %s", QUIESCENT, ctx)
          .isTrue();
    }
    assertThat(cancelsReturned.await(QUIESCENT.toSeconds(), TimeUnit.SECONDS))
        .as("timed out after %s waiting for cancel functions", QUIESCENT)
        .isTrue();
    assertThat(m).hasSize(101);
  }

  @Test
  void testInterlockedCancels() throws InterruptedException {
    // given
    CancelableContext parent = Contexts.withCancel(Context.root());
    CancelableContext child = Contexts.withCancel(parent.context());
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                parent.cancellation().await();
                child.cancel();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    // when
    parent.cancel();

    // then
    assertThat(child.cancellation().await(QUIESCENT))
        .as("timed out after %s waiting for child to be done", QUIESCENT)
        .isTrue();
  }

  @Test
  void testLayersCancel() throws InterruptedException {
    testLayers(System.nanoTime(), false);
  }

  @Test
  void testLayersTimeout() throws InterruptedException {
    testLayers(System.nanoTime(), true);
  }

  /** Go's {@code testLayers}: a random stack of value, cancel and timeout layers. */
  private static void testLayers(long seed, boolean testTimeout) throws InterruptedException {
    Random r = new Random(seed);
    String prefix = "seed=" + seed + ": ";
    final int minLayers = 30;
    List<ContextKey<Object>> keys = new ArrayList<>();
    List<Object> vals = new ArrayList<>();
    List<CancelableContext> cancels = new ArrayList<>();
    int numTimers = 0;
    Context ctx = Context.root();
    for (int i = 0; i < minLayers || numTimers == 0 || cancels.isEmpty() || vals.isEmpty(); i++) {
      switch (r.nextInt(3)) {
        case 0 -> {
          ContextKey<Object> key = ContextKey.named("value-" + i);
          Object v = new Object();
          ctx = ctx.with(key, v);
          keys.add(key);
          vals.add(v);
        }
        case 1 -> {
          CancelableContext c = Contexts.withCancel(ctx);
          ctx = c.context();
          cancels.add(c);
        }
        default -> {
          CancelableContext c = Contexts.withTimeout(ctx, testTimeout ? SHORT : VERY_LONG);
          ctx = c.context();
          cancels.add(c);
          numTimers++;
        }
      }
    }
    Context layered = ctx;
    Runnable checkValues =
        () -> {
          for (int i = 0; i < keys.size(); i++) {
            assertThat(layered.get(keys.get(i))).as(prefix + "value %d", i).isSameAs(vals.get(i));
          }
        };
    try {
      if (!testTimeout) {
        assertThat(Contexts.isDone(layered))
            .as(prefix + "ctx should not be canceled yet")
            .isFalse();
      }
      checkValues.run();
      if (testTimeout) {
        assertThat(Contexts.cancellation(layered).await(QUIESCENT))
            .as(prefix + "ctx should have timed out after %s", QUIESCENT)
            .isTrue();
        checkValues.run();
      } else {
        cancels.get(r.nextInt(cancels.size())).cancel();
        assertThat(Contexts.isDone(layered)).as(prefix + "ctx should be canceled").isTrue();
        checkValues.run();
      }
    } finally {
      cancels.forEach(CancelableContext::cancel); // Go leaks them; release the timers
    }
  }

  @Test
  void testCancelRemoves() {
    CancelableContext ctx = Contexts.withCancel(Context.root());
    assertThat(state(ctx.context()).listenerCount()).as("after creation").isZero();
    CancelableContext child = Contexts.withCancel(ctx.context());
    assertThat(state(ctx.context()).listenerCount()).as("with WithCancel child").isEqualTo(1);
    child.cancel();
    assertThat(state(ctx.context()).listenerCount())
        .as("after canceling WithCancel child")
        .isZero();

    ctx = Contexts.withCancel(Context.root());
    assertThat(state(ctx.context()).listenerCount()).as("after creation").isZero();
    child = Contexts.withTimeout(ctx.context(), Duration.ofMinutes(60));
    assertThat(state(ctx.context()).listenerCount()).as("with WithTimeout child").isEqualTo(1);
    child.cancel();
    assertThat(state(ctx.context()).listenerCount())
        .as("after canceling WithTimeout child")
        .isZero();

    ctx = Contexts.withCancel(Context.root());
    assertThat(state(ctx.context()).listenerCount()).as("after creation").isZero();
    Stoppable stop = Contexts.afterFunc(ctx.context(), () -> {});
    assertThat(state(ctx.context()).listenerCount()).as("with AfterFunc child").isEqualTo(1);
    assertThat(stop.stop()).isTrue();
    assertThat(state(ctx.context()).listenerCount()).as("after stopping AfterFunc child").isZero();
  }

  @Test
  void testWithCancelCanceledParent() {
    // given
    CancelableContext parent = Contexts.withCancelCause(Context.root());
    Exception cause = new Exception("Because!");
    parent.cancel(cause);

    // when
    CancelableContext c = Contexts.withCancel(parent.context());

    // then
    assertThat(Contexts.isDone(c.context()))
        .as("child done immediately upon construction")
        .isTrue();
    assertThat(Contexts.err(c.context())).isEqualTo(ContextError.CANCELED);
    assertThat(Contexts.cause(c.context())).isSameAs(cause);
  }

  @Test
  void testWithCancelSimultaneouslyCanceledParent() throws InterruptedException {
    // cancel the parent concurrently with creating a child
    for (int i = 0; i < 100; i++) {
      // given
      CancelableContext parent = Contexts.withCancelCause(Context.root());
      Exception cause = new Exception("Because!");
      Thread.ofVirtual().start(() -> parent.cancel(cause));

      // when
      CancelableContext c = Contexts.withCancel(parent.context());

      // then
      assertThat(c.cancellation().await(QUIESCENT)).as("iteration %d", i).isTrue();
      assertThat(Contexts.err(c.context())).isEqualTo(ContextError.CANCELED);
      assertThat(Contexts.cause(c.context())).isSameAs(cause);
    }
  }

  @Test
  void testInvalidDerivedFail() {
    assertThatThrownBy(() -> Contexts.withCancel(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("parent");
    assertThatThrownBy(() -> Contexts.withDeadline(null, Instant.now().plus(SHORT)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("parent");
    // and the other arguments
    assertThatThrownBy(() -> Contexts.withTimeout(Context.root(), null)).hasMessage("timeout");
    assertThatThrownBy(() -> Contexts.withDeadline(Context.root(), null)).hasMessage("deadline");
    assertThatThrownBy(() -> Contexts.afterFunc(Context.root(), null)).hasMessage("function");
  }

  /**
   * Go's {@code DeadlineExceeded} has {@code Timeout() == true}; Shuttle's equivalent is {@link
   * ContextDoneException#isTimeout()}, on the exception a blocking call throws and on the default
   * cause.
   */
  @Test
  void testDeadlineExceededSupportsTimeout() throws InterruptedException {
    // given
    CancelableContext c = Contexts.withTimeout(Context.root(), SHORT);
    assertThat(c.cancellation().await(QUIESCENT)).isTrue();

    // then
    assertThatThrownBy(() -> c.cancellation().throwIfDone())
        .isInstanceOfSatisfying(
            ContextDoneException.class, e -> assertThat(e.isTimeout()).isTrue());
    assertThat(Contexts.cause(c.context()))
        .isInstanceOfSatisfying(
            ContextDoneException.class, e -> assertThat(e.isTimeout()).isTrue());
    assertThat(new ContextDoneException(ContextError.DEADLINE_EXCEEDED, null).isTimeout()).isTrue();
    assertThat(new ContextDoneException(ContextError.CANCELED, null).isTimeout()).isFalse();
  }

  /** A row of Go's {@code TestCause} table. */
  record CauseCase(Supplier<Context> ctx, @Nullable ContextError err, @Nullable Object cause) {}

  private static Arguments row(
      String name,
      Supplier<Context> ctx,
      @Nullable ContextError err,
      /* a Throwable (identity), a ContextError (Go's sentinel), or null */ @Nullable Object
          cause) {
    return Arguments.of(Named.of(name, new CauseCase(ctx, err, cause)));
  }

  static Stream<Arguments> causeCases() {
    Duration forever = Duration.ofSeconds(1_000_000);
    Exception parentCause = new Exception("parentCause");
    Exception childCause = new Exception("childCause");
    Exception tooSlow = new Exception("tooSlow");
    Exception finishedEarly = new Exception("finishedEarly");
    return Stream.of(
        row("Background", Context::root, null, null),
        row("TODO", Context::current, null, null),
        row(
            "WithCancel",
            () -> {
              CancelableContext ctx = Contexts.withCancel(Context.root());
              ctx.cancel();
              return ctx.context();
            },
            ContextError.CANCELED,
            ContextError.CANCELED),
        row(
            "WithCancelCause",
            () -> {
              CancelableContext ctx = Contexts.withCancelCause(Context.root());
              ctx.cancel(parentCause);
              return ctx.context();
            },
            ContextError.CANCELED,
            parentCause),
        row(
            "WithCancelCause nil",
            () -> {
              CancelableContext ctx = Contexts.withCancelCause(Context.root());
              ctx.cancel(null);
              return ctx.context();
            },
            ContextError.CANCELED,
            ContextError.CANCELED),
        row(
            "WithCancelCause: parent cause before child",
            () -> {
              CancelableContext parent = Contexts.withCancelCause(Context.root());
              CancelableContext child = Contexts.withCancelCause(parent.context());
              parent.cancel(parentCause);
              child.cancel(childCause);
              return child.context();
            },
            ContextError.CANCELED,
            parentCause),
        row(
            "WithCancelCause: parent cause after child",
            () -> {
              CancelableContext parent = Contexts.withCancelCause(Context.root());
              CancelableContext child = Contexts.withCancelCause(parent.context());
              child.cancel(childCause);
              parent.cancel(parentCause);
              return child.context();
            },
            ContextError.CANCELED,
            childCause),
        row(
            "WithCancelCause: parent cause before nil",
            () -> {
              CancelableContext parent = Contexts.withCancelCause(Context.root());
              CancelableContext child = Contexts.withCancel(parent.context());
              parent.cancel(parentCause);
              child.cancel();
              return child.context();
            },
            ContextError.CANCELED,
            parentCause),
        row(
            "WithCancelCause: parent cause after nil",
            () -> {
              CancelableContext parent = Contexts.withCancelCause(Context.root());
              CancelableContext child = Contexts.withCancel(parent.context());
              child.cancel();
              parent.cancel(parentCause);
              return child.context();
            },
            ContextError.CANCELED,
            ContextError.CANCELED),
        row(
            "WithCancelCause: child cause after nil",
            () -> {
              CancelableContext parent = Contexts.withCancel(Context.root());
              CancelableContext child = Contexts.withCancelCause(parent.context());
              parent.cancel();
              child.cancel(childCause);
              return child.context();
            },
            ContextError.CANCELED,
            ContextError.CANCELED),
        row(
            "WithCancelCause: child cause before nil",
            () -> {
              CancelableContext parent = Contexts.withCancel(Context.root());
              CancelableContext child = Contexts.withCancelCause(parent.context());
              child.cancel(childCause);
              parent.cancel();
              return child.context();
            },
            ContextError.CANCELED,
            childCause),
        row(
            "WithTimeout",
            () -> {
              CancelableContext ctx = Contexts.withTimeout(Context.root(), Duration.ZERO);
              ctx.cancel();
              return ctx.context();
            },
            ContextError.DEADLINE_EXCEEDED,
            ContextError.DEADLINE_EXCEEDED),
        row(
            "WithTimeout canceled",
            () -> {
              CancelableContext ctx = Contexts.withTimeout(Context.root(), forever);
              ctx.cancel();
              return ctx.context();
            },
            ContextError.CANCELED,
            ContextError.CANCELED),
        row(
            "WithTimeoutCause",
            () -> {
              CancelableContext ctx =
                  Contexts.withTimeoutCause(Context.root(), Duration.ZERO, tooSlow);
              ctx.cancel();
              return ctx.context();
            },
            ContextError.DEADLINE_EXCEEDED,
            tooSlow),
        row(
            "WithTimeoutCause canceled",
            () -> {
              CancelableContext ctx = Contexts.withTimeoutCause(Context.root(), forever, tooSlow);
              ctx.cancel();
              return ctx.context();
            },
            ContextError.CANCELED,
            ContextError.CANCELED),
        row(
            "WithTimeoutCause stacked",
            () -> {
              CancelableContext outer = Contexts.withCancelCause(Context.root());
              CancelableContext ctx =
                  Contexts.withTimeoutCause(outer.context(), Duration.ZERO, tooSlow);
              outer.cancel(finishedEarly);
              return ctx.context();
            },
            ContextError.DEADLINE_EXCEEDED,
            tooSlow),
        row(
            "WithTimeoutCause stacked canceled",
            () -> {
              CancelableContext outer = Contexts.withCancelCause(Context.root());
              CancelableContext ctx = Contexts.withTimeoutCause(outer.context(), forever, tooSlow);
              outer.cancel(finishedEarly);
              return ctx.context();
            },
            ContextError.CANCELED,
            finishedEarly),
        row("WithoutCancel", () -> Contexts.withoutCancel(Context.root()), null, null),
        row(
            "WithoutCancel canceled",
            () -> {
              CancelableContext ctx = Contexts.withCancelCause(Context.root());
              Context detached = Contexts.withoutCancel(ctx.context());
              ctx.cancel(finishedEarly);
              return detached;
            },
            null,
            null),
        row(
            "WithoutCancel timeout",
            () -> {
              CancelableContext ctx =
                  Contexts.withTimeoutCause(Context.root(), Duration.ZERO, tooSlow);
              Context detached = Contexts.withoutCancel(ctx.context());
              ctx.cancel();
              return detached;
            },
            null,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("causeCases")
  void testCause(CauseCase test) {
    // when
    Context ctx = test.ctx().get();

    // then
    assertThat(Contexts.err(ctx)).as("ctx.Err()").isEqualTo(test.err());
    Throwable cause = Contexts.cause(ctx);
    switch (test.cause()) {
      case null -> assertThat(cause).as("Cause(ctx)").isNull();
      case ContextError sentinel ->
          assertThat(cause)
              .as("Cause(ctx)")
              .isInstanceOfSatisfying(
                  ContextDoneException.class, e -> assertThat(e.err()).isEqualTo(sentinel));
      default -> assertThat(cause).as("Cause(ctx)").isSameAs(test.cause());
    }
  }

  @Test
  void testCauseRace() {
    // given
    Exception cause = new Exception("TestCauseRace");
    CancelableContext ctx = Contexts.withCancelCause(Context.root());

    // when
    Thread.ofVirtual().start(() -> ctx.cancel(cause));

    // then: poll the cause rather than wait for done, to test that reading it is synchronised
    Throwable err;
    while ((err = Contexts.cause(ctx.context())) == null) {
      Thread.onSpinWait(); // Go: runtime.Gosched()
    }
    assertThat(err).isSameAs(cause);
  }

  @Test
  void testWithoutCancel() {
    // given: Go's test, on a parent that also has a span, a deadline, and is then cancelled
    Context withValues = Context.root().with(KEY, "value").with(PARENT_SPAN);
    CancelableContext timed = Contexts.withTimeout(withValues, Duration.ofSeconds(30));

    // when
    Context ctx = Contexts.withoutCancel(timed.context());
    timed.cancel();

    // then
    assertThat(Contexts.isDone(timed.context())).isTrue();
    assertThat(Contexts.deadline(ctx)).as("ctx.Deadline()").isEmpty();
    assertThat(Contexts.isDone(ctx)).as("ctx.Done()").isFalse();
    assertThat(Contexts.err(ctx)).as("ctx.Err()").isNull();
    assertThat(ctx.get(KEY)).as("ctx.Value(key)").isEqualTo("value");
    assertThat(Span.fromContext(ctx).getSpanContext()).isEqualTo(PARENT_SPAN.getSpanContext());
    assertThat(Contexts.isDone(Contexts.withCancel(ctx).context())).isFalse();
  }

  @Test
  void testAfterFuncCalledAfterCancel() throws InterruptedException {
    // given
    CancelableContext ctx = Contexts.withCancel(Context.root());
    CountDownLatch donec = new CountDownLatch(1);
    Stoppable stop = Contexts.afterFunc(ctx.context(), donec::countDown);
    assertThat(donec.await(NOT_HAPPENING.toMillis(), TimeUnit.MILLISECONDS))
        .as("AfterFunc called before context is done")
        .isFalse();

    // when
    ctx.cancel();

    // then
    assertThat(donec.await(QUIESCENT.toSeconds(), TimeUnit.SECONDS))
        .as("AfterFunc not called after context is canceled")
        .isTrue();
    assertThat(stop.stop()).as("stop()").isFalse();
  }

  @Test
  void testAfterFuncCalledAfterTimeout() throws InterruptedException {
    try (CancelableContext ctx = Contexts.withTimeout(Context.root(), SHORT)) {
      // given
      CountDownLatch donec = new CountDownLatch(1);

      // when
      Stoppable unused = Contexts.afterFunc(ctx.context(), donec::countDown);

      // then
      assertThat(donec.await(QUIESCENT.toSeconds(), TimeUnit.SECONDS))
          .as("AfterFunc not called after context timed out")
          .isTrue();
    }
  }

  @Test
  void testAfterFuncCalledImmediately() throws InterruptedException {
    // given
    CancelableContext ctx = Contexts.withCancel(Context.root());
    ctx.cancel();
    CountDownLatch donec = new CountDownLatch(1);

    // when
    Stoppable stop = Contexts.afterFunc(ctx.context(), donec::countDown);

    // then
    assertThat(donec.await(QUIESCENT.toSeconds(), TimeUnit.SECONDS))
        .as("AfterFunc not called for already-canceled context")
        .isTrue();
    assertThat(stop.stop()).as("stop()").isFalse();
  }

  @Test
  void testAfterFuncNotCalledAfterStop() throws InterruptedException {
    // given
    CancelableContext ctx = Contexts.withCancel(Context.root());
    CountDownLatch donec = new CountDownLatch(1);
    Stoppable stop = Contexts.afterFunc(ctx.context(), donec::countDown);

    // when
    assertThat(stop.stop()).as("stop()").isTrue();
    ctx.cancel();

    // then
    assertThat(donec.await(NOT_HAPPENING.toMillis(), TimeUnit.MILLISECONDS))
        .as("AfterFunc called for already-canceled context")
        .isFalse();
    assertThat(stop.stop()).as("stop()").isFalse();
  }

  /** Cancelling a context does not wait for its afterFuncs to finish. */
  @Test
  void testAfterFuncCalledAsynchronously() throws InterruptedException {
    // given
    CancelableContext ctx = Contexts.withCancel(Context.root());
    SynchronousQueue<Boolean> donec = new SynchronousQueue<>();
    Stoppable stop =
        Contexts.afterFunc(
            ctx.context(),
            () -> {
              try {
                donec.put(true); // blocks until the test takes it
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    // when
    ctx.cancel(); // must return although the afterFunc blocks

    // then: only after cancel returns, take from donec and unblock the afterFunc
    try {
      assertThat(donec.poll(QUIESCENT.toSeconds(), TimeUnit.SECONDS))
          .as("AfterFunc not called after context is canceled")
          .isTrue();
    } finally {
      boolean unused = stop.stop();
    }
  }
}
