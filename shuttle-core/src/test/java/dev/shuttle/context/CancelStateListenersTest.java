package dev.shuttle.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The listener list of a cancellation ({@link Cancellation#onDone}): listeners stopped from the
 * head, the middle and the tail leave it, the rest fire once, in registration order, and stopping
 * after cancellation reports that the listener already ran.
 */
class CancelStateListenersTest {

  @Test
  void stoppedListenersLeaveAndTheRestFireOnceInOrder() {
    CancelableContext context = Contexts.withCancel(Context.root());
    Cancellation cancellation = Contexts.cancellation(context.context());
    List<Integer> fired = new ArrayList<>();
    List<Stoppable> registrations = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      int id = i;
      registrations.add(cancellation.onDone(() -> fired.add(id)));
    }

    // when: the head, a middle one and the tail stop; one stops twice
    assertThat(registrations.get(0).stop()).isTrue();
    assertThat(registrations.get(2).stop()).isTrue();
    assertThat(registrations.get(5).stop()).isTrue();
    assertThat(registrations.get(2).stop()).isFalse();
    assertThat(((CancelState) cancellation).listenerCount()).isEqualTo(3);
    Stoppable added = cancellation.onDone(() -> fired.add(7));
    context.cancel();

    // then
    assertThat(fired).containsExactly(2, 4, 5, 7);
    assertThat(((CancelState) cancellation).listenerCount()).isZero();
    assertThat(registrations.get(1).stop()).as("already ran").isFalse();
    assertThat(added.stop()).as("already ran").isFalse();
  }

  @Test
  void aListenerThatStopsAnotherWhileFiringDoesNotStopIt() {
    CancelableContext context = Contexts.withCancel(Context.root());
    Cancellation cancellation = Contexts.cancellation(context.context());
    List<String> fired = new ArrayList<>();
    Stoppable[] second = new Stoppable[1];
    cancellation.onDone(() -> fired.add("first stops second: " + second[0].stop()));
    second[0] = cancellation.onDone(() -> fired.add("second"));

    context.cancel();

    assertThat(fired).containsExactly("first stops second: false", "second");
  }

  @Test
  void aListenerRegisteredAfterCancellationRunsAtOnce() {
    CancelableContext context = Contexts.withCancel(Context.root());
    context.cancel();
    List<String> fired = new ArrayList<>();

    Stoppable late = Contexts.cancellation(context.context()).onDone(() -> fired.add("late"));

    assertThat(fired).containsExactly("late");
    assertThat(late.stop()).isFalse();
  }
}
