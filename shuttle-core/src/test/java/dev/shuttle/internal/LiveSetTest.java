package dev.shuttle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The registry's striped set of live goroutines: records leave from the head, the middle and the
 * tail of their stripes, lookups find exactly the live ones, and concurrent starts and ends leave
 * nothing behind while readers copy it.
 */
class LiveSetTest {

  @Test
  void removedRecordsLeaveAndTheRestAreFound() {
    LiveSet set = new LiveSet();
    List<LiveGoroutine> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      LiveGoroutine g = record();
      records.add(g);
      set.add(g);
    }
    assertThat(set.size()).isEqualTo(200);

    // when: every third leaves, in an order that hits heads, middles and tails of the stripes
    List<LiveGoroutine> removed = new ArrayList<>();
    for (int i = 0; i < records.size(); i += 3) {
      removed.add(records.get(i));
    }
    removed.forEach(set::remove);

    // then
    List<LiveGoroutine> kept = new ArrayList<>(records);
    kept.removeAll(removed);
    assertThat(set.size()).isEqualTo(kept.size());
    assertThat(set.copy()).containsExactlyInAnyOrderElementsOf(kept);
    for (LiveGoroutine g : kept) {
      assertThat(set.get(g.id)).isSameAs(g);
    }
    for (LiveGoroutine g : removed) {
      assertThat(set.get(g.id)).isNull();
    }
    assertThat(set.isEmpty()).isFalse();
    kept.forEach(set::remove);
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.copy()).isEmpty();
  }

  @Test
  void concurrentStartsAndEndsLeaveNothingBehind() throws Exception {
    LiveSet set = new LiveSet();
    int threads = 4;
    int perThread = 20_000;
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newFixedThreadPool(threads + 1)) {
      Future<Integer> reader =
          executor.submit(
              () -> {
                int copies = 0;
                while (running.get()) {
                  List<LiveGoroutine> copy = set.copy();
                  assertThat(new HashSet<>(copy)).as("no record twice").hasSize(copy.size());
                  copies++;
                }
                return copies;
              });
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        writers.add(
            executor.submit(
                () -> {
                  go.await();
                  List<LiveGoroutine> mine = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    LiveGoroutine g = record();
                    set.add(g);
                    mine.add(g);
                    if (i % 2 == 1) { // end one of the two most recent: heads and next-to-heads
                      set.remove(mine.remove(mine.size() - 2));
                    }
                  }
                  mine.forEach(set::remove);
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> writer : writers) {
        writer.get();
      }
      running.set(false);
      assertThat(reader.get()).isPositive();
    }
    assertThat(set.size()).isZero();
    assertThat(set.isEmpty()).isTrue();
  }

  private static LiveGoroutine record() {
    Thread thread = Thread.ofVirtual().unstarted(() -> {}); // a fresh id, never started
    return new LiveGoroutine(thread, "test", 0, LiveGoroutine.RunningIn.NONE, System.nanoTime());
  }
}
