package dev.shuttle.context;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Go's context rules, one row per rule: each row is a scenario and what Go says must hold.
 *
 * <p>Go's own context tests are ported in {@link GoContextTest}; the rows here are the rules and
 * Shuttle specifics those tests do not check (or check less strictly).
 */
@Timeout(10)
class ContextRulesTest {
  private static final ContextKey<String> USER = ContextKey.named("user");

  @FunctionalInterface
  interface Rule {
    void check() throws Exception;
  }

  static Stream<Named<Rule>> rules() {
    return Stream.of(
        rule(
            "first cancel wins: a second cancel changes neither err nor cause",
            () -> {
              CancelableContext c = Contexts.withCancelCause(Context.root());
              IllegalStateException first = new IllegalStateException("first");
              assertThat(c.cancel(first)).isTrue();
              assertThat(c.cancel(new IllegalStateException("second"))).isFalse();
              assertThat(Contexts.cause(c.context())).isSameAs(first);
              assertThat(Contexts.err(c.context())).isEqualTo(ContextError.CANCELED);
            }),
        rule(
            "cancel(null) gives cause = the canceled error, created where cancel was called",
            () -> {
              CancelableContext c = Contexts.withCancelCause(Context.root());
              c.cancel(null);
              assertThat(Contexts.cause(c.context()))
                  .isInstanceOfSatisfying(
                      ContextDoneException.class,
                      e -> {
                        assertThat(e.err()).isEqualTo(ContextError.CANCELED);
                        assertThat(e).hasMessage("context canceled");
                        assertThat(e.getStackTrace()[0].getClassName())
                            .isEqualTo(CancelState.class.getName());
                      });
            }),
        rule(
            "children and grandchildren inherit the parent's err and cause",
            () -> {
              CancelableContext parent = Contexts.withCancelCause(Context.root());
              CancelableContext child = Contexts.withCancel(parent.context());
              CancelableContext grandchild = Contexts.withTimeout(child.context(), ofSeconds(30));
              RuntimeException cause = new RuntimeException("shutdown");
              parent.cancel(cause);
              for (CancelableContext c : List.of(child, grandchild)) {
                assertThat(Contexts.err(c.context())).isEqualTo(ContextError.CANCELED);
                assertThat(Contexts.cause(c.context())).isSameAs(cause);
              }
            }),
        rule(
            "a deadline's custom cause is recorded when its timer fires",
            () -> {
              TimeoutExceededCause cause = new TimeoutExceededCause("SLA: 2 s");
              CancelableContext c = Contexts.withTimeoutCause(Context.root(), ofMillis(20), cause);
              assertThat(c.cancellation().await(ofSeconds(5))).isTrue();
              assertThat(Contexts.err(c.context())).isEqualTo(ContextError.DEADLINE_EXCEEDED);
              assertThat(Contexts.cause(c.context())).isSameAs(cause);
            }),
        rule(
            "the returned cancel does not set the deadline's custom cause",
            () -> {
              TimeoutExceededCause cause = new TimeoutExceededCause("SLA");
              CancelableContext c =
                  Contexts.withDeadlineCause(Context.root(), Instant.now().plusSeconds(30), cause);
              c.cancel();
              assertThat(Contexts.err(c.context())).isEqualTo(ContextError.CANCELED);
              assertThat(Contexts.cause(c.context()))
                  .isNotSameAs(cause)
                  .isInstanceOf(ContextDoneException.class);
            }),
        rule(
            "a deadline without a custom cause has a DEADLINE_EXCEEDED cause",
            () -> {
              CancelableContext c = Contexts.withTimeout(Context.root(), ofMillis(10));
              assertThat(c.cancellation().await(ofSeconds(5))).isTrue();
              assertThat(Contexts.cause(c.context()))
                  .isInstanceOfSatisfying(
                      ContextDoneException.class, e -> assertThat(e.isTimeout()).isTrue());
            }),
        rule(
            "a parent's earlier deadline wins, with the parent's cause",
            () -> {
              TimeoutExceededCause parentCause = new TimeoutExceededCause("parent");
              CancelableContext parent =
                  Contexts.withTimeoutCause(Context.root(), ofMillis(50), parentCause);
              CancelableContext child =
                  Contexts.withTimeoutCause(
                      parent.context(), ofSeconds(30), new TimeoutExceededCause("child"));
              assertThat(Contexts.deadline(child.context()))
                  .isEqualTo(Contexts.deadline(parent.context()));
              assertThat(((CancelState) child.cancellation()).hasTimer()).isFalse();
              assertThat(child.cancellation().await(ofSeconds(5))).isTrue();
              assertThat(Contexts.err(child.context())).isEqualTo(ContextError.DEADLINE_EXCEEDED);
              assertThat(Contexts.cause(child.context())).isSameAs(parentCause);
            }),
        rule(
            "a child's earlier deadline is its own",
            () -> {
              CancelableContext parent = Contexts.withTimeout(Context.root(), ofSeconds(30));
              Instant soon = Instant.now().plusMillis(20);
              CancelableContext child = Contexts.withDeadline(parent.context(), soon);
              assertThat(Contexts.deadline(child.context())).contains(soon);
              assertThat(child.cancellation().await(ofSeconds(5))).isTrue();
              assertThat(parent.cancellation().isDone()).isFalse();
              parent.cancel();
            }),
        rule(
            "a deadline in the past is exceeded at once",
            () -> {
              CancelableContext c =
                  Contexts.withDeadline(Context.root(), Instant.now().minusSeconds(1));
              assertThat(Contexts.err(c.context())).isEqualTo(ContextError.DEADLINE_EXCEEDED);
              CancelableContext negative = Contexts.withTimeout(Context.root(), ofMillis(-5));
              assertThat(Contexts.err(negative.context()))
                  .isEqualTo(ContextError.DEADLINE_EXCEEDED);
            }),
        rule(
            "withCancel under a deadline reports the inherited deadline",
            () -> {
              CancelableContext timed = Contexts.withTimeout(Context.root(), ofSeconds(30));
              CancelableContext child = Contexts.withCancel(timed.context());
              assertThat(Contexts.deadline(child.context()))
                  .isPresent()
                  .isEqualTo(Contexts.deadline(timed.context()));
              timed.cancel();
            }),
        rule(
            "an expired or cancelled context releases its timer",
            () -> {
              CancelableContext cancelled = Contexts.withTimeout(Context.root(), ofSeconds(30));
              CancelState state = (CancelState) cancelled.cancellation();
              assertThat(state.hasTimer()).isTrue();
              cancelled.close();
              assertThat(state.hasTimer()).isFalse();
              CancelableContext expired = Contexts.withTimeout(Context.root(), ofMillis(5));
              assertThat(expired.cancellation().await(ofSeconds(5))).isTrue();
              assertThat(((CancelState) expired.cancellation()).hasTimer()).isFalse();
            }),
        rule(
            "afterFunc runs once, on its own virtual thread, after cancellation",
            () -> {
              CancelableContext c = Contexts.withCancel(Context.root().with(USER, "bob"));
              AtomicInteger runs = new AtomicInteger();
              AtomicReference<Thread> ranOn = new AtomicReference<>();
              AtomicReference<String> user = new AtomicReference<>();
              CountDownLatch ran = new CountDownLatch(1);
              Stoppable stop =
                  Contexts.afterFunc(
                      c.context(),
                      () -> {
                        runs.incrementAndGet();
                        ranOn.set(Thread.currentThread());
                        user.set(Context.current().get(USER));
                        ran.countDown();
                      });
              assertThat(runs).hasValue(0);
              c.cancel();
              c.cancel();
              assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
              assertThat(ranOn.get().isVirtual()).isTrue();
              assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
              assertThat(user).hasValue("bob");
              assertThat(stop.stop()).isFalse();
              assertThat(runs).hasValue(1);
            }),
        rule(
            "afterFunc on a context that is never done: first stop() is true",
            () -> {
              Stoppable stop = Contexts.afterFunc(Context.root(), () -> {});
              assertThat(stop.stop()).isTrue();
              assertThat(stop.stop()).isFalse();
            }),
        rule(
            "cancelling a parent cancels every descendant before cancel returns",
            () -> {
              CancelableContext root = Contexts.withCancel(Context.root());
              List<CancelableContext> all = new ArrayList<>();
              List<CancelableContext> level = List.of(root);
              for (int depth = 0; depth < 4; depth++) {
                List<CancelableContext> next = new ArrayList<>();
                for (CancelableContext p : level) {
                  for (int i = 0; i < 5; i++) {
                    next.add(
                        i % 2 == 0
                            ? Contexts.withCancel(p.context())
                            : Contexts.withTimeout(p.context(), ofSeconds(60)));
                  }
                }
                all.addAll(next);
                level = next;
              }
              root.cancel();
              assertThat(all).hasSize(5 + 25 + 125 + 625).allMatch(c -> c.cancellation().isDone());
              assertThat(all).noneMatch(c -> ((CancelState) c.cancellation()).hasTimer());
            }),
        rule(
            "throwIfDone throws a ContextDoneException caused by the cause",
            () -> {
              CancelableContext c = Contexts.withCancel(Context.root());
              c.cancellation().throwIfDone();
              IllegalStateException cause = new IllegalStateException("stop");
              c.cancel(cause);
              assertThatThrownBy(() -> c.cancellation().throwIfDone())
                  .isInstanceOf(ContextDoneException.class)
                  .hasMessage("context canceled: java.lang.IllegalStateException: stop")
                  .hasCause(cause);
            }));
  }

  private static Named<Rule> rule(String name, Rule rule) {
    return Named.of(name, rule);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void goContextRule(Rule rule) throws Exception {
    rule.check();
  }

  /** A user's own cause type. */
  static final class TimeoutExceededCause extends Exception {
    private static final long serialVersionUID = 1L;

    TimeoutExceededCause(String message) {
      super(message);
    }
  }
}
