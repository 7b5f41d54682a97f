package dev.shuttle.sync;

import static dev.shuttle.telemetry.ShuttleAttributes.ERRGROUP_FAILURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.Cancellation;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(10)
class ErrGroupTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void awaitReturnsWhenEveryTaskSucceeded() throws Exception {
    // given
    ErrGroup group = ErrGroup.withContext(Context.root());
    AtomicInteger done = new AtomicInteger();

    // when
    for (int i = 0; i < 20; i++) {
      group.go(done::incrementAndGet);
    }
    group.await();

    // then
    assertThat(done).hasValue(20);
    assertThat(Contexts.err(group.context()))
        .as("await cancels the group's context, as Go's Wait does")
        .isEqualTo(ContextError.CANCELED);
  }

  @Test
  void theFirstFailureCancelsTheContextWithItAsCauseAndIsWhatAwaitThrows() throws Exception {
    // given
    ErrGroup group = ErrGroup.withContext(Context.root());
    IOException first = new IOException("backend down");
    CountDownLatch firstFailed = new CountDownLatch(1);

    // when
    group.go(
        () -> {
          try {
            throw first;
          } finally {
            firstFailed.countDown();
          }
        });
    group.go(
        () -> {
          Contexts.cancellation(Context.current()).await(); // a well-behaved sibling
          Contexts.cancellation(Context.current()).throwIfDone();
        });
    firstFailed.await();

    // then
    assertThatThrownBy(group::await).isSameAs(first);
    assertThat(Contexts.cause(group.context())).isSameAs(first);
    assertThat(first.getSuppressed())
        .as("the sibling's ContextDoneException only echoes the first failure")
        .isEmpty();
  }

  @Test
  void laterFailuresAreCountedButNeverAttachedToTheFirst() throws Exception {
    // given
    ErrGroup group = ErrGroup.builder(Context.root()).span("errgroup-tasks").build();
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException second = new IllegalArgumentException("second");

    // when
    group.go(
        () -> {
          throw first;
        });
    Contexts.cancellation(group.context()).await(); // the group recorded the first failure
    group.go(
        () -> {
          throw second;
        });

    // then
    assertThatThrownBy(group::await).isSameAs(first);
    assertThatThrownBy(group::await).as("a second await throws the same").isSameAs(first);
    assertThat(first.getSuppressed()).as("the caller's exception is never modified").isEmpty();
    assertThat(telemetry.span("errgroup-tasks").getAttributes().get(ERRGROUP_FAILURES))
        .isEqualTo(2);
  }

  @Test
  void anErrorPropagatesAtAwaitWithTheTasksOwnStack() throws Exception {
    // given
    ErrGroup group = ErrGroup.create();
    AssertionError error = new AssertionError("invariant broken");

    // when
    group.go(
        () -> {
          throw error;
        });

    // then
    assertThatThrownBy(group::await).isSameAs(error);
    assertThat(error.getStackTrace()[0].getMethodName())
        .as("thrown where the task threw it")
        .contains("anErrorPropagatesAtAwaitWithTheTasksOwnStack");
  }

  @Test
  void collectAllFailuresKeepsRunningAndThrowsEveryFailure() throws Exception {
    // given
    ErrGroup group = ErrGroup.builder(Context.root()).collectAllFailures().build();
    AtomicInteger succeeded = new AtomicInteger();

    // when
    for (int i = 0; i < 10; i++) {
      int n = i;
      group.go(
          () -> {
            if (n % 3 == 0) {
              throw new IOException("task " + n);
            }
            succeeded.incrementAndGet();
          });
    }

    // then
    assertThatThrownBy(group::await)
        .isInstanceOfSatisfying(
            GroupFailedException.class,
            e -> {
              assertThat(e.failures())
                  .extracting(Throwable::getMessage)
                  .containsExactlyInAnyOrder("task 0", "task 3", "task 6", "task 9");
              assertThat(e.getSuppressed()).hasSize(4);
              assertThat(e).hasMessageStartingWith("4 of 10 tasks failed");
            });
    assertThat(succeeded).hasValue(6);
  }

  @Test
  void goBlocksAtTheLimitSoNoMoreThanLimitTasksRunAtOnce() throws Exception {
    // given
    ErrGroup group = ErrGroup.builder(Context.root()).limit(3).build();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();

    // when
    for (int i = 0; i < 30; i++) {
      group.go(
          () -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            TimeUnit.MILLISECONDS.sleep(2); // on purpose: each task holds its slot a while
            running.decrementAndGet();
          });
    }
    group.await();

    // then
    assertThat(maxRunning.get()).isBetween(1, 3);
    assertThat(group.limit()).isEqualTo(3);
  }

  @Test
  void tryGoReturnsFalseAtTheLimit() throws Exception {
    // given
    ErrGroup group = ErrGroup.withContext(Context.root());
    group.setLimit(1);
    CountDownLatch release = new CountDownLatch(1);

    // when
    boolean firstStarted = group.tryGo(release::await);
    boolean secondStarted = group.tryGo(() -> {});

    // then
    assertThat(firstStarted).isTrue();
    assertThat(secondStarted).isFalse();
    release.countDown();
    group.await();
  }

  @Test
  void changingTheLimitWhileTasksRunIsAClearError() throws Exception {
    // given
    ErrGroup group = ErrGroup.withContext(Context.root());
    CountDownLatch release = new CountDownLatch(1);
    group.go(release::await);

    // then
    assertThatThrownBy(() -> group.setLimit(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot call setLimit(2) while 1 tasks of this ErrGroup are still running");
    assertThatThrownBy(group::removeLimit).isInstanceOf(IllegalStateException.class);
    release.countDown();
    group.await();
  }

  @Test
  void badInputIsAClearException() throws Exception {
    ErrGroup group = ErrGroup.withContext(Context.root());
    assertThatThrownBy(() -> group.setLimit(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1, but was -1");
    assertThatThrownBy(() -> ErrGroup.builder(Context.root()).limit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1, but was 0");
    assertThatThrownBy(() -> group.go(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("task");
    assertThatThrownBy(() -> group.tryGo(null)).hasMessage("task");
    assertThatThrownBy(() -> ErrGroup.builder(Context.root()).span(" "))
        .isInstanceOf(IllegalArgumentException.class);
    group.await();
    assertThatThrownBy(() -> group.go(() -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("after await()");
  }

  @Test
  void aTaskCanStartMoreTasksAndAwaitWaitsForThemToo() throws Exception {
    // given
    ErrGroup group = ErrGroup.withContext(Context.root());
    AtomicInteger done = new AtomicInteger();

    // when
    group.go(
        () -> {
          for (int i = 0; i < 5; i++) {
            group.go(
                () -> {
                  // on purpose: the nested tasks outlive their parent, so await must wait for them
                  TimeUnit.MILLISECONDS.sleep(5);
                  done.incrementAndGet();
                });
          }
        });
    group.await();

    // then
    assertThat(done).hasValue(5);
  }

  @Test
  void tasksSeeTheGroupContextAsCurrent() throws Exception {
    // given
    ErrGroup group = ErrGroup.withContext(Context.root());
    AtomicReference<Cancellation> seen = new AtomicReference<>();

    // when
    group.go("t", Attributes.empty(), () -> seen.set(Contexts.cancellation(Context.current())));
    group.await();

    // then
    assertThat(seen.get()).isSameAs(Contexts.cancellation(group.context()));
  }

  @Test
  void aFailureAfterCancellationIsReportedAsCanceledOnTheTasksSpan() throws Exception {
    // given
    ErrGroup group = ErrGroup.builder(Context.root()).span("errgroup-tasks").build();
    CountDownLatch failed = new CountDownLatch(1);
    group.go(
        "failing",
        Attributes.empty(),
        () -> {
          failed.countDown();
          throw new IOException("bad row");
        });
    group.go(
        "sibling",
        Attributes.empty(),
        () -> {
          failed.await();
          Contexts.cancellation(Context.current()).await();
          throw new ContextDoneException(
              Contexts.err(Context.current()), Contexts.cause(Context.current()));
        });

    // when
    assertThatThrownBy(group::await).hasMessage("bad row");

    // then
    assertThat(telemetry.span("sibling").getAttributes().asMap())
        .containsEntry(
            io.opentelemetry.api.common.AttributeKey.booleanKey("operation.canceled"), true)
        .containsEntry(
            io.opentelemetry.api.common.AttributeKey.stringKey("failure.cause"), "bad row");
  }
}
