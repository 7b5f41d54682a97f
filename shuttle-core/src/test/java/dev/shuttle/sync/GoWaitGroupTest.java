package dev.shuttle.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go's {@code sync.WaitGroup} tests, ported to {@link WaitGroup}.
 *
 * <p>Source: golang/go {@code src/sync/waitgroup_test.go} at commit {@code
 * 250fccbface5ca3f8e88e054e63ddbdf6edf2ef5}. That stored copy predates Go 1.25's {@code wg.Go};
 * {@code TestWaitGroupGo}, which came with it, is ported from a third-party file in the code index
 * that reproduces Go's waitgroup tests including that one, because no stored golang/go copy has it.
 *
 * <p>Not ported:
 *
 * <ul>
 *   <li>{@code TestWaitGroupAlign}: checks the 64-bit alignment of the state word inside a struct
 *       on 32-bit platforms; Java has no such concern.
 *   <li>{@code TestWaitGroupMisuse2} and {@code TestWaitGroupMisuse3} (in older copies, e.g. commit
 *       {@code 2156e351c230e8cde0a98e1aa1e1145879c8a621}): they hope to catch Go's opportunistic
 *       panics for "Add called concurrently with Wait" and "reused before previous Wait has
 *       returned". Shuttle's WaitGroup keeps its counter under a lock, so both are well-defined (a
 *       waiter returns once it sees zero; reuse is allowed) and there is nothing to detect.
 *   <li>The benchmarks: benchmarks live in {@code shuttle-bench}.
 * </ul>
 *
 * <p>Go's panic message {@code "sync: negative WaitGroup counter"} is Shuttle's {@link
 * IllegalStateException} "WaitGroup counter would go negative".
 */
@Timeout(30)
class GoWaitGroupTest {
  private static final Duration QUIESCENT = Duration.ofSeconds(10);

  /** Go's {@code testWaitGroup}: wg1 is a barrier the workers pass, wg2 one they wait on. */
  private static void testWaitGroup(WaitGroup wg1, WaitGroup wg2) throws InterruptedException {
    int n = 16;
    wg1.add(n);
    wg2.add(n);
    BlockingQueue<Boolean> exited = new ArrayBlockingQueue<>(n);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    for (int i = 0; i != n; i++) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  wg1.done();
                  wg2.await();
                  exited.add(true);
                } catch (Throwable t) {
                  failures.add(t);
                }
              });
    }
    wg1.await();
    for (int i = 0; i != n; i++) {
      assertThat(exited.poll()).as("WaitGroup released group too soon").isNull();
      wg2.done();
    }
    for (int i = 0; i != n; i++) {
      // Will time out if the barrier fails to release someone.
      assertThat(exited.poll(QUIESCENT.toSeconds(), TimeUnit.SECONDS))
          .as("waiter %d released by wg2", i)
          .isNotNull();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void testWaitGroup() throws InterruptedException {
    // given
    WaitGroup wg1 = WaitGroup.create();
    WaitGroup wg2 = WaitGroup.create();

    // when / then: the same groups a few times, to check the barrier is left in a proper state
    for (int i = 0; i != 8; i++) {
      testWaitGroup(wg1, wg2);
    }
    assertThat(wg1.count()).isZero();
    assertThat(wg2.count()).isZero();
  }

  @Test
  void testWaitGroupMisuse() {
    // given
    WaitGroup wg = WaitGroup.create();
    wg.add(1);
    wg.done();

    // when / then
    assertThatThrownBy(wg::done)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("WaitGroup counter would go negative");
  }

  @Test
  void testWaitGroupRace() throws InterruptedException {
    for (int i = 0; i < 1000; i++) {
      // given
      WaitGroup wg = WaitGroup.create();
      AtomicInteger n = new AtomicInteger();

      // when: two goroutines, each counted before it starts
      wg.add(1);
      Thread.ofVirtual()
          .start(
              () -> {
                n.incrementAndGet();
                wg.done();
              });
      wg.add(1);
      Thread.ofVirtual()
          .start(
              () -> {
                n.incrementAndGet();
                wg.done();
              });
      wg.await();

      // then
      assertThat(n.get()).as("spurious wake-up from await").isEqualTo(2);
    }
  }

  @Test
  void testWaitGroupGo() throws InterruptedException {
    // given
    WaitGroup wg = WaitGroup.create();
    int[] i = {0}; // written by the task; await's happens-before makes it visible here

    // when
    wg.go(() -> i[0]++);
    wg.await();

    // then
    assertThat(i[0]).isEqualTo(1);
  }
}
