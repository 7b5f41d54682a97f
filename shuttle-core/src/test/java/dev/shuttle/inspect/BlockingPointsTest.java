package dev.shuttle.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import dev.shuttle.Goroutines;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Select;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Contexts;
import dev.shuttle.pool.BoundedPool;
import dev.shuttle.pool.WorkerPool;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.sync.Once;
import dev.shuttle.sync.WaitGroup;
import dev.shuttle.testing.Waits;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each blocking point reports what a goroutine waits on, with its trace, while it waits; and the
 * goroutine leaves the registry when it ends.
 */
@Timeout(30)
class BlockingPointsTest {
  private static final SpanContext REQUEST =
      SpanContext.create(
          "4bf92f3577b34da6a3ce929d0e0e4736",
          "00f067aa0ba902b7",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  /** Starts goroutine(s) of which one blocks as the case says; returns what releases them. */
  @FunctionalInterface
  interface Blocker {
    AutoCloseable block() throws Exception;
  }

  static Stream<Arguments> blockingPoints() {
    return Stream.of(
        Arguments.of(
            "channel send",
            (Blocker)
                () -> {
                  Channel<String> jobs = Channel.builder().name("jobs").capacity(1).build();
                  jobs.send("first");
                  Go.go(() -> jobs.send("second"));
                  return jobs::receive;
                },
            (Predicate<BlockedOn>) on -> on.equals(new BlockedOn.ChannelSend("jobs", 1, 1)),
            "chan send on jobs (len 1, cap 1)"),
        Arguments.of(
            "channel receive",
            (Blocker)
                () -> {
                  Channel<String> results = Channel.builder().name("results").build();
                  Go.go(results::receive);
                  return () -> results.send("done");
                },
            (Predicate<BlockedOn>) on -> on.equals(new BlockedOn.ChannelReceive("results", 0, 0)),
            "chan receive on results (len 0, cap 0)"),
        Arguments.of(
            "select",
            (Blocker)
                () -> {
                  Channel<String> in = Channel.builder().name("in").build();
                  Channel<String> out = Channel.builder().name("out").build();
                  CancelableContext stop = Contexts.withCancel(Context.current());
                  Go.go(
                      () ->
                          Select.select(
                              in.onReceive(v -> v),
                              out.onSend("x", () -> "sent"),
                              Select.onDone(stop.context(), () -> "stopped")));
                  return stop::cancel;
                },
            (Predicate<BlockedOn>)
                on ->
                    on.equals(
                        new BlockedOn.Select(
                            List.of("receive on in", "send on out", "context done"))),
            "select over receive on in, send on out, context done"),
        Arguments.of(
            "WaitGroup",
            (Blocker)
                () -> {
                  WaitGroup wg = WaitGroup.create();
                  wg.add(2);
                  Go.go(wg::await);
                  return () -> {
                    wg.done();
                    wg.done();
                  };
                },
            (Predicate<BlockedOn>) on -> on.equals(new BlockedOn.WaitGroupWait(2)),
            "waitgroup wait (2 running)"),
        Arguments.of(
            "ErrGroup",
            (Blocker)
                () -> {
                  CountDownLatch release = new CountDownLatch(1);
                  ErrGroup group = ErrGroup.builder(Context.current()).span("fetch-all").build();
                  group.go(release::await);
                  Go.go(group::await);
                  return release::countDown;
                },
            (Predicate<BlockedOn>)
                on -> on.equals(new BlockedOn.ErrGroupWait("errgroup fetch-all")),
            "errgroup wait on errgroup fetch-all"),
        Arguments.of(
            "pool queue, submitter waiting for room",
            (Blocker)
                () -> {
                  CountDownLatch release = new CountDownLatch(1);
                  CountDownLatch running = new CountDownLatch(1);
                  WorkerPool pool =
                      WorkerPool.builder().name("images").size(1).queueCapacity(1).build();
                  pool.submit(
                      () -> {
                        running.countDown();
                        release.await();
                        return 1;
                      });
                  running.await();
                  pool.submit(() -> 2); // fills the queue
                  Go.go(() -> pool.submit(() -> 3));
                  return () -> {
                    release.countDown();
                    pool.close();
                  };
                },
            (Predicate<BlockedOn>) on -> on.equals(new BlockedOn.PoolQueue("images", true, 1, 1)),
            "pool submit to images (queued 1, cap 1)"),
        Arguments.of(
            "pool permits (BoundedPool)",
            (Blocker)
                () -> {
                  CountDownLatch release = new CountDownLatch(1);
                  BoundedPool pool =
                      BoundedPool.builder().name("uploads").maxConcurrency(1).build();
                  pool.submit(
                      () -> {
                        release.await();
                        return 1;
                      });
                  Go.go(() -> pool.submit(() -> 2));
                  return () -> {
                    release.countDown();
                    pool.await();
                  };
                },
            (Predicate<BlockedOn>) on -> on.equals(new BlockedOn.PoolQueue("uploads", true, 1, 1)),
            "pool submit to uploads (queued 1, cap 1)"),
        Arguments.of(
            "Once",
            (Blocker)
                () -> {
                  CountDownLatch release = new CountDownLatch(1);
                  CountDownLatch inBody = new CountDownLatch(1);
                  Runnable once =
                      Once.func(
                          () -> {
                            inBody.countDown();
                            try {
                              release.await();
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                            }
                          });
                  Thread first = Thread.ofVirtual().start(once);
                  inBody.await();
                  Go.go(once::run);
                  return () -> {
                    release.countDown();
                    first.join();
                  };
                },
            (Predicate<BlockedOn>) on -> on instanceof BlockedOn.OnceWait,
            "once, waiting for another goroutine to finish the body"),
        Arguments.of(
            "context done",
            (Blocker)
                () -> {
                  CancelableContext ctx = Contexts.withCancel(Context.current());
                  Go.go(() -> ctx.cancellation().await());
                  return ctx::cancel;
                },
            (Predicate<BlockedOn>) on -> on instanceof BlockedOn.ContextDone,
            "context done"),
        Arguments.of(
            "join",
            (Blocker)
                () -> {
                  CountDownLatch release = new CountDownLatch(1);
                  Goroutine<Object> child =
                      Go.start(
                          () -> {
                            release.await();
                            return "ok";
                          });
                  Go.go(child::join);
                  return release::countDown;
                },
            (Predicate<BlockedOn>) on -> on instanceof BlockedOn.GoroutineJoin,
            "join of goroutine"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("blockingPoints")
  void reportsWhatAGoroutineWaitsOnWithItsTrace(
      String name, Blocker blocker, Predicate<BlockedOn> expected, String description)
      throws Exception {
    Instant before = Instant.now().minusMillis(50); // the registry's clock is coarse (10 ms)
    AutoCloseable release;
    try (Scope ignored = Context.root().with(Span.wrap(REQUEST)).makeCurrent()) {
      release = blocker.block();
    }

    AtomicReference<GoroutineInfo> found = new AtomicReference<>();
    Waits.until(
        () -> {
          Optional<GoroutineInfo> blocked =
              Goroutines.snapshot().goroutines().stream()
                  .filter(g -> g.blockedOn() != null && expected.test(g.blockedOn()))
                  .filter(g -> g.spanContext().getTraceId().equals(REQUEST.getTraceId()))
                  .findFirst();
          blocked.ifPresent(found::set);
          return blocked.isPresent();
        });

    GoroutineInfo g = found.get();
    assertThat(g.blockedOn().describe()).startsWith(description);
    assertThat(g.blockedSince()).isAfter(before).isBefore(Instant.now().plusMillis(1));
    assertThat(g.startedAt()).isAfter(before);
    assertThat(g.spanContext().getTraceId()).isEqualTo(REQUEST.getTraceId());
    assertThat(Goroutines.snapshot().toText()).contains(description).contains(REQUEST.getTraceId());

    release.close();
    assertThat(Goroutines.awaitEnd(List.of(g), Duration.ofSeconds(10))).isTrue();
    assertThat(Goroutines.snapshot().goroutines()).noneMatch(live -> live.id() == g.id());
  }
}
