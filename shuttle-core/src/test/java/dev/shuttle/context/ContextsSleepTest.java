package dev.shuttle.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Contexts#sleep}: {@code Thread.sleep} that also ends when the context is done. */
@Timeout(10)
class ContextsSleepTest {

  @Test
  void sleepsForTheWholeDurationWhenTheContextStaysActive() throws Exception {
    long start = System.nanoTime();

    Contexts.sleep(Contexts.withCancel(Context.root()).context(), Duration.ofMillis(50));

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(50);
  }

  @Test
  void endsAtTheDeadlineWithTheContextsCause() {
    // given
    TimeoutException sla = new TimeoutException("SLA");
    CancelableContext timed =
        Contexts.withTimeoutCause(Context.root(), Duration.ofMillis(100), sla);
    long start = System.nanoTime();

    // when / then
    try (Scope ignored = timed.makeCurrent()) {
      assertThatThrownBy(() -> Contexts.sleep(Duration.ofSeconds(30)))
          .isInstanceOfSatisfying(
              ContextDoneException.class,
              done -> {
                assertThat(done.err()).isEqualTo(ContextError.DEADLINE_EXCEEDED);
                assertThat(done).hasCause(sla);
              });
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
  }

  @Test
  void aDoneContextOrAnInterruptEndsItAtOnce() {
    CancelableContext done = Contexts.withCancel(Context.root());
    done.cancel();
    assertThatThrownBy(() -> Contexts.sleep(done.context(), Duration.ofSeconds(30)))
        .isInstanceOf(ContextDoneException.class);

    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> Contexts.sleep(Context.root(), Duration.ofSeconds(30)))
        .isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void zeroNegativeAndEnormousDurationsBehave() throws Exception {
    Contexts.sleep(Context.root(), Duration.ZERO);
    Contexts.sleep(Context.root(), Duration.ofSeconds(-1));
    CancelableContext soon = Contexts.withTimeout(Context.root(), Duration.ofMillis(20));
    assertThatThrownBy(() -> Contexts.sleep(soon.context(), Duration.ofDays(365L * 1_000)))
        .as("longer than a long of nanoseconds")
        .isInstanceOf(ContextDoneException.class);
    assertThatThrownBy(() -> Contexts.sleep(Context.root(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("duration");
  }
}
