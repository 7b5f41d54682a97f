package dev.shuttle.test;

import dev.shuttle.Go;
import dev.shuttle.channel.Channel;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Test classes that {@link ShuttleLeakCheckTest} runs with the JUnit engine test kit; not run by
 * Surefire (nested classes are not). Each leaves its goroutines or spans where the outer test can
 * clean them up.
 */
final class Fixtures {
  /** Receivers block on it until the outer test closes it. */
  static volatile Channel<String> jobs = newJobs();

  /** The goroutine a fixture left blocked: its thread's name and its trace id. */
  static final AtomicReference<String> leakedName = new AtomicReference<>("");

  static final AtomicReference<String> leakedTrace = new AtomicReference<>("");

  /** The span {@link UnendedSpan} did not end. */
  static final AtomicReference<Span> unended = new AtomicReference<>(Span.getInvalid());

  private Fixtures() {}

  static Channel<String> newJobs() {
    return Channel.builder().name("jobs").build();
  }

  /** Starts a goroutine in a span of its own that blocks receiving from {@link #jobs}. */
  static void leakOne() throws InterruptedException {
    Channel<String> channel = jobs;
    CountDownLatch running = new CountDownLatch(1);
    Go.go(
        Context.root(),
        "leaky-worker",
        Attributes.empty(),
        () -> {
          leakedName.set(Thread.currentThread().getName());
          leakedTrace.set(Span.current().getSpanContext().getTraceId());
          running.countDown();
          channel.receiveOrClosed();
        });
    running.await();
  }

  @ExtendWith(ShuttleLeakCheck.class)
  static final class Leaking {
    @Test
    void leavesAGoroutineBlocked() throws InterruptedException {
      leakOne();
    }
  }

  /** No {@code @ExtendWith}: the check must come from auto-detection. */
  static final class LeakingWithoutExtendWith {
    @Test
    void leavesAGoroutineBlocked() throws InterruptedException {
      leakOne();
    }
  }

  @ExtendWith(ShuttleLeakCheck.class)
  static final class Clean {
    @Test
    void joinsWhatItStarts() throws Exception {
      Span span = ShuttleTelemetry.tracer().spanBuilder("clean").startSpan();
      try {
        String result = Go.start(Context.current().with(span), () -> "done").join();
        if (!result.equals("done")) {
          throw new AssertionError(result);
        }
      } finally {
        span.end();
      }
    }
  }

  @ExtendWith(ShuttleLeakCheck.class)
  static final class EndsWithinGrace {
    @Test
    void returnsWhileItsGoroutineFinishes() throws InterruptedException {
      CountDownLatch running = new CountDownLatch(1);
      Go.go(
          Context.root(),
          "finishing",
          Attributes.empty(),
          () -> {
            running.countDown();
            Contexts.sleep(Duration.ofMillis(300));
          });
      running.await();
    }
  }

  @ExtendWith(ShuttleLeakCheck.class)
  static final class Allowed {
    @Test
    @ShuttleLeakCheck.Allow("leaves a goroutine behind on purpose")
    void leavesAGoroutineBlocked() throws InterruptedException {
      leakOne();
    }
  }

  @ExtendWith(ShuttleLeakCheck.class)
  static final class UnendedSpan {
    @Test
    void forgetsToEndASpan() {
      unended.set(ShuttleTelemetry.tracer().spanBuilder("forgotten").startSpan());
    }
  }

  @ExtendWith(ShuttleLeakCheck.class)
  static final class StartedInBeforeAll {
    @BeforeAll
    static void startWorker() throws InterruptedException {
      leakOne();
    }

    @Test
    void isNotBlamedForIt() {}

    @AfterAll
    static void stopWorker() {
      jobs.close();
    }
  }

  /** Its goroutine lives 1 s; the grace of 100 ms set on the class is too short for it. */
  @ExtendWith(ShuttleLeakCheck.class)
  @ShuttleLeakCheck.Grace("100ms")
  static final class ShortGrace {
    @Test
    void returnsWhileItsGoroutineRunsOn() throws InterruptedException {
      CountDownLatch running = new CountDownLatch(1);
      Go.go(
          Context.root(),
          "slow",
          Attributes.empty(),
          () -> {
            running.countDown();
            Contexts.sleep(Duration.ofSeconds(1));
          });
      running.await();
    }
  }
}
