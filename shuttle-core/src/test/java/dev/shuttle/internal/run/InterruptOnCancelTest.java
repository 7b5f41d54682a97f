package dev.shuttle.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class InterruptOnCancelTest {

  @Test
  void aDoneContextInterruptsTheArmedThreadAndDisarmReportsTheCancellation() {
    // given
    CancelableContext timed = Contexts.withCancel(Context.root());
    InterruptOnCancel guard = InterruptOnCancel.arm(timed.context());
    TimeoutException sla = new TimeoutException("SLA");

    // when
    timed.cancel(sla);
    boolean interrupted = Thread.currentThread().isInterrupted();
    InterruptedException thrown = new InterruptedException("sleep interrupted");
    Throwable reported = guard.disarm(thrown);

    // then
    assertThat(interrupted).isTrue();
    assertThat(Thread.currentThread().isInterrupted())
        .as("disarm clears its own interrupt")
        .isFalse();
    assertThat(reported)
        .isInstanceOfSatisfying(
            ContextDoneException.class,
            done -> {
              assertThat(done.err()).isEqualTo(ContextError.CANCELED);
              assertThat(done).hasCause(sla);
              assertThat(done.getSuppressed()).containsExactly(thrown);
            });
  }

  @Test
  void aWrappedInterruptIsReportedAsTheCancellationToo() {
    CancelableContext ctx = Contexts.withCancel(Context.root());
    InterruptOnCancel guard = InterruptOnCancel.arm(ctx.context());
    ctx.cancel();
    RuntimeException wrapped = new RuntimeException(new InterruptedIOException("read"));

    assertThat(guard.disarm(wrapped)).isInstanceOf(ContextDoneException.class);
  }

  @Test
  void aFailureThatIsNotAboutTheInterruptIsKeptAsItIs() {
    CancelableContext ctx = Contexts.withCancel(Context.root());
    InterruptOnCancel guard = InterruptOnCancel.arm(ctx.context());
    ctx.cancel();
    IOException own = new IOException("disk full");

    assertThat(guard.disarm(own)).isSameAs(own);
    assertThat(guard.disarm(null)).as("disarming twice is harmless").isNull();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void anInterruptFromElsewhereIsNeitherClearedNorTranslated() {
    CancelableContext ctx = Contexts.withCancel(Context.root());
    InterruptOnCancel guard = InterruptOnCancel.arm(ctx.context());
    Thread.currentThread().interrupt(); // somebody else's
    InterruptedException thrown = new InterruptedException();

    Throwable reported = guard.disarm(thrown);

    assertThat(reported).isSameAs(thrown);
    assertThat(Thread.interrupted()).as("not ours: left alone").isTrue();
  }

  @Test
  void armingOnAContextThatIsDoneAlreadyInterruptsAtOnce() {
    CancelableContext ctx = Contexts.withCancel(Context.root());
    ctx.cancel();

    InterruptOnCancel guard = InterruptOnCancel.arm(ctx.context());

    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    guard.disarm(null);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aContextThatCanNeverBeDoneOrOptsOutArmsNothing() {
    InterruptOnCancel root = InterruptOnCancel.arm(Context.root());
    CancelableContext ctx = Contexts.withCancel(Context.root());
    InterruptOnCancel optedOut = InterruptOnCancel.arm(Contexts.withoutInterrupt(ctx.context()));

    ctx.cancel();

    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(root.disarm(null)).isNull();
    assertThat(optedOut.disarm(null)).isNull();
  }

  @Test
  void noInterruptOfOursReachesTheThreadAfterDisarmWhateverTheRace() throws Exception {
    // given: a cancel racing with the end of the work, many times over
    int rounds = System.getenv("CI") != null ? 50_000 : 10_000;
    AtomicInteger leaked = new AtomicInteger();
    AtomicInteger cancelFirst = new AtomicInteger();
    Thread worker =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < rounds; i++) {
                    CancelableContext ctx = Contexts.withCancel(Context.root());
                    CountDownLatch armed = new CountDownLatch(1);
                    Thread canceller =
                        Thread.ofPlatform()
                            .start(
                                () -> {
                                  try {
                                    armed.await();
                                  } catch (InterruptedException e) {
                                    throw new AssertionError(e);
                                  }
                                  ctx.cancel();
                                });
                    InterruptOnCancel guard = InterruptOnCancel.arm(ctx.context());
                    armed.countDown();
                    long workNanos = ThreadLocalRandom.current().nextLong(50_000);
                    for (long start = System.nanoTime(); System.nanoTime() - start < workNanos; ) {
                      Thread.onSpinWait(); // the "work", racing with the cancel
                    }
                    if (Thread.currentThread().isInterrupted()) {
                      cancelFirst.incrementAndGet();
                    }
                    guard.disarm(null);
                    joinUninterruptibly(canceller); // every cancel callback has run now
                    if (Thread.interrupted()) {
                      leaked.incrementAndGet();
                    }
                  }
                });

    // when
    worker.join(Duration.ofSeconds(50));

    // then
    assertThat(worker.isAlive()).isFalse();
    assertThat(leaked).as("interrupts that reached the thread after disarm").hasValue(0);
    assertThat(cancelFirst.get())
        .as("both orders happened: the cancel first, and the end of the work first")
        .isPositive()
        .isLessThan(rounds);
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // a leaked interrupt: keep it for the check
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
