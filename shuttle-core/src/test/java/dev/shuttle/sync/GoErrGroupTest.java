package dev.shuttle.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.channel.Channel;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A port of {@code golang.org/x/sync/errgroup}'s own tests: repository {@code golang/sync}, file
 * {@code errgroup/errgroup_test.go} (stored copy at commit {@code 36f2d70e}). A Go task's {@code
 * return err} is a Java task's {@code throw err}; a task returning {@code nil} returns normally.
 *
 * <p>Ported: {@code ExampleGroup_justErrors}, {@code ExampleGroup_parallel}, {@code TestZeroGroup},
 * {@code TestWithContext}, {@code TestTryGo}, {@code TestGoLimit}, {@code TestCancelCause}; plus
 * regression tests for defects that Go's semantics exposed (one error returned by two tasks; a zero
 * group that cancelled its siblings).
 *
 * <p>Where Shuttle differs on purpose (ADR 2): a group is single-use — after {@code await()} it
 * refuses {@code go()}, because it owns a span and a context that {@code await()} ends — so the Go
 * tests that call {@code Go} or {@code SetLimit} again after {@code Wait} ({@code TestZeroGroup},
 * {@code TestTryGo}) use a fresh group per step, with the same expectations; and {@code
 * SetLimit(0)} ("block all calls") is rejected with an {@link IllegalArgumentException} rather than
 * accepted, so that step checks the rejection. Not ported: {@code BenchmarkGo} (benchmarks live in
 * {@code shuttle-bench}).
 */
@Timeout(20)
@SuppressWarnings("StaticAssignmentOfThrowable") // Go's sentinel errors: shared on purpose
class GoErrGroupTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  private static final Exception ERR_1 = new Exception("errgroup_test: 1");
  private static final Exception ERR_2 = new Exception("errgroup_test: 2");
  private static final Exception ERR_DOOM = new Exception("group_test: doomed");

  /** The table shared by Go's TestWithContext and TestCancelCause. */
  private static final List<Case> DOOM_CASES =
      List.of(
          new Case(List.of(), null),
          new Case(Arrays.asList((Exception) null), null),
          new Case(List.of(ERR_DOOM), ERR_DOOM),
          new Case(Arrays.asList(ERR_DOOM, null), ERR_DOOM));

  @Test
  void exampleGroupJustErrors() throws Exception {
    // given: a plain group used in place of a WaitGroup
    ErrGroup g = ErrGroup.create();
    List<String> urls =
        List.of("http://www.golang.org/", "http://www.google.com/", "http://www.example.com/");
    Queue<String> fetched = new ConcurrentLinkedQueue<>();

    // when
    for (String url : urls) {
      g.go(() -> fetched.add(url)); // http.Get(url)
    }
    g.await();

    // then
    assertThat(fetched).containsExactlyInAnyOrderElementsOf(urls);
  }

  @Test
  void exampleGroupParallel() throws Exception {
    // given: "Google Search 2.0", each search in a task of a group with a context
    List<String> kinds = List.of("web", "image", "video");
    ErrGroup g = ErrGroup.withContext(Context.root());
    AtomicReferenceArray<String> results = new AtomicReferenceArray<>(kinds.size());

    // when
    for (int i = 0; i < kinds.size(); i++) {
      int index = i;
      g.go(
          () -> {
            Contexts.cancellation(Context.current()).throwIfDone(); // search(ctx, query)
            results.set(index, kinds.get(index) + " result for \"golang\"");
          });
    }
    g.await();

    // then
    assertThat(List.of(results.get(0), results.get(1), results.get(2)))
        .containsExactly(
            "web result for \"golang\"",
            "image result for \"golang\"",
            "video result for \"golang\"");
  }

  @Test
  void testZeroGroup() throws Exception {
    List<List<@Nullable Exception>> cases =
        List.of(
            List.of(),
            Arrays.asList((Exception) null),
            List.of(ERR_1),
            Arrays.asList(ERR_1, null),
            Arrays.asList(ERR_1, null, ERR_2));
    for (List<@Nullable Exception> errs : cases) {
      for (int prefix = 0; prefix <= errs.size(); prefix++) {
        // given: a zero group running the first `prefix` tasks of the case
        List<@Nullable Exception> started = errs.subList(0, prefix);
        ErrGroup g = ErrGroup.create();
        Exception firstErr = null;
        for (Exception err : started) {
          g.go(() -> fail(err));
          if (firstErr == null && err != null) {
            firstErr = err;
          }
          awaitEnded(g); // Go waits after each Go: the tasks end in order
        }

        // then: Wait returns the first error
        if (firstErr == null) {
          g.await();
        } else {
          assertThatThrownBy(g::await).as("errs %s", started).isSameAs(firstErr);
        }
      }
    }
  }

  @Test
  void testZeroGroupFailureDoesNotCancelSiblings() throws Exception {
    // given: Go's zero Group has no context, so a failure cancels nothing
    ErrGroup g = ErrGroup.create();
    Channel<String> release = Channel.rendezvous();
    CountDownLatch failed = new CountDownLatch(1);
    g.go(
        () -> {
          try {
            throw ERR_1;
          } finally {
            failed.countDown();
          }
        });
    AtomicInteger siblingDone = new AtomicInteger();
    g.go(
        () -> {
          release.receive(); // blocks under the group's context: must not be cancelled
          siblingDone.incrementAndGet();
        });

    // when
    failed.await();
    release.send("go on");

    // then
    assertThatThrownBy(g::await).isSameAs(ERR_1);
    assertThat(siblingDone).hasValue(1);
    assertThat(Contexts.cancellation(g.context()).isDone())
        .as("a plain group's context is the parent's, never cancelled by the group")
        .isFalse();
  }

  @Test
  void testWithContext() throws Exception {
    for (Case tc : DOOM_CASES) {
      // given
      ErrGroup g = ErrGroup.withContext(Context.root());

      // when
      for (Exception err : tc.errs()) {
        g.go(() -> fail(err));
      }

      // then
      if (tc.want() == null) {
        g.await();
      } else {
        assertThatThrownBy(g::await).as("errs %s", tc.errs()).isSameAs(tc.want());
      }
      assertThat(Contexts.isDone(g.context())).as("ctx.Done() closed after Wait").isTrue();
    }
  }

  @Test
  void testWithContextSameErrorFromTwoTasks() throws Exception {
    // given: Go code returns one sentinel error from many goroutines; Wait returns it
    for (int round = 0; round < 50; round++) {
      ErrGroup g = ErrGroup.builder(Context.root()).span("group").build();
      CountDownLatch bothFailing = new CountDownLatch(2);

      // when
      for (int i = 0; i < 2; i++) {
        g.go(
            () -> {
              bothFailing.countDown();
              bothFailing.await();
              throw ERR_DOOM;
            });
      }

      // then: every await throws the sentinel, unmodified, and the group ends properly
      assertThatThrownBy(g::await).isSameAs(ERR_DOOM);
      assertThatThrownBy(g::await).isSameAs(ERR_DOOM);
      assertThat(ERR_DOOM.getSuppressed()).isEmpty();
      assertThatThrownBy(() -> g.go(() -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("after await()");
    }
    assertThat(telemetry.spans())
        .as("each group's span ended, with the failure")
        .hasSize(50)
        .allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
  }

  @Test
  void testWithContextSentinelReusedAcrossGroupsIsNeverModified() throws Exception {
    for (int round = 0; round < 100; round++) {
      ErrGroup g = round % 2 == 0 ? ErrGroup.withContext(Context.root()) : ErrGroup.create();
      g.go(() -> fail(ERR_2));
      g.go(() -> fail(ERR_2));
      assertThatThrownBy(g::await).isSameAs(ERR_2);
    }
    assertThat(ERR_2.getSuppressed()).isEmpty();
  }

  @Test
  void testTryGo() throws Exception {
    int n = 42;
    Channel<Boolean> ch = Channel.rendezvous();
    dev.shuttle.Task fn = () -> ch.send(Boolean.TRUE);

    // a group at its limit refuses TryGo until its tasks are done
    ErrGroup g = ErrGroup.create();
    g.setLimit(n);
    for (int i = 0; i < n; i++) {
      assertThat(g.tryGo(fn)).as("TryGo should succeed at call %d", i).isTrue();
    }
    assertThat(g.tryGo(fn)).as("TryGo is expected to fail").isFalse();
    receive(ch, n);
    g.await();

    // a fresh group (Shuttle's groups are single-use) accepts again
    ErrGroup again = ErrGroup.create();
    again.setLimit(n);
    assertThat(again.tryGo(fn)).isTrue();
    receive(ch, 1);
    again.await();

    // switch limit
    ErrGroup one = ErrGroup.create();
    one.setLimit(1);
    assertThat(one.tryGo(fn)).isTrue();
    assertThat(one.tryGo(fn)).isFalse();
    receive(ch, 1);
    one.await();

    // block all calls: Go accepts SetLimit(0); Shuttle rejects it
    ErrGroup none = ErrGroup.create();
    assertThatThrownBy(() -> none.setLimit(0)).isInstanceOf(IllegalArgumentException.class);
    none.await();
  }

  @Test
  void testGoLimit() throws Exception {
    int limit = 10;
    ErrGroup g = ErrGroup.create();
    g.setLimit(limit);
    AtomicInteger active = new AtomicInteger();
    for (int i = 0; i <= 1 << 10; i++) {
      g.go(
          () -> {
            int n = active.incrementAndGet();
            if (n > limit) {
              throw new IllegalStateException("saw " + n + " active goroutines; want <= " + limit);
            }
            Thread.sleep(0, 1000); // give other tasks a chance to increment active
            active.decrementAndGet();
          });
    }
    g.await();
  }

  @Test
  void testCancelCause() throws Exception {
    for (Case tc : DOOM_CASES) {
      // given
      ErrGroup g = ErrGroup.withContext(Context.root());

      // when
      for (Exception err : tc.errs()) {
        g.tryGo(() -> fail(err));
      }

      // then
      if (tc.want() == null) {
        g.await();
        assertThat(Contexts.err(g.context())).isEqualTo(ContextError.CANCELED);
        assertThat(Contexts.cause(g.context()))
            .as("context.Canceled when no task failed")
            .isInstanceOfSatisfying(
                ContextDoneException.class,
                e -> assertThat(e.err()).isEqualTo(ContextError.CANCELED));
      } else {
        assertThatThrownBy(g::await).isSameAs(tc.want());
        assertThat(Contexts.cause(g.context())).isSameAs(tc.want());
      }
    }
  }

  private record Case(List<@Nullable Exception> errs, @Nullable Exception want) {}

  private static void fail(@Nullable Exception err) throws Exception {
    if (err != null) {
      throw err;
    }
  }

  private static void receive(Channel<Boolean> ch, int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      ch.receive(Context.root());
    }
  }

  /** Waits until the group's tasks have ended, without ending the group (Go's repeated Wait). */
  private static void awaitEnded(ErrGroup g) throws InterruptedException {
    g.awaitTasks();
  }
}
