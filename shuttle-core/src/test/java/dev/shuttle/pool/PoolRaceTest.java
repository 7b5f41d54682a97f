package dev.shuttle.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The life-cycle claims of every {@link Pool} under races, with lost/duplicate detection: every
 * accepted job either runs or is returned by {@code stopNow}, never both and never neither; after
 * {@code stop} every accepted job runs; a refused job never runs. Rounds rotate over the fixed,
 * dynamic and bounded pools. The default configuration is short; {@code -Pstress} runs the long one
 * (and {@code CI} scales both up).
 */
@Timeout(120)
class PoolRaceTest {
  private static final boolean CI = System.getenv("CI") != null;

  @Test
  void stopNowRacingSubmittersNeitherLosesNorDuplicatesAJob() throws Exception {
    stopNowRounds(CI ? 200 : 40);
  }

  @Test
  void stopRacingSubmittersRunsEveryAcceptedJob() throws Exception {
    stopRounds(CI ? 200 : 40);
  }

  @Test
  @Tag("stress")
  void stopNowRacingSubmittersStress() throws Exception {
    stopNowRounds(CI ? 5_000 : 1_000);
  }

  @Test
  @Tag("stress")
  void stopRacingSubmittersStress() throws Exception {
    stopRounds(CI ? 5_000 : 1_000);
  }

  private static void stopNowRounds(int rounds) throws Exception {
    long totalReturned = 0;
    long totalRan = 0;
    for (int round = 0; round < rounds; round++) {
      Round r = new Round(pool(round));
      r.startSubmitters();
      r.waitAMoment();
      List<UnstartedJob> unstarted = r.pool.stopNow();
      r.joinSubmitters();
      assertThat(r.pool.awaitTermination(Duration.ofSeconds(10))).isTrue();

      Set<Callable<?>> returned = identitySet();
      for (UnstartedJob job : unstarted) {
        assertThat(returned.add(job.job())).as("returned twice").isTrue();
      }
      Set<Callable<?>> ran = identitySet();
      ran.addAll(r.ran);
      assertThat(ran.stream().filter(returned::contains))
          .as("round %d: ran and returned", round)
          .isEmpty();
      Set<Callable<?>> either = identitySet();
      either.addAll(ran);
      either.addAll(returned);
      assertThat(either).as("round %d: accepted = ran + returned", round).hasSameSizeAs(r.accepted);
      assertThat(r.accepted.stream().filter(job -> !either.contains(job))).isEmpty();
      assertThat(r.ran).as("round %d: a job ran twice", round).hasSameSizeAs(ran);
      totalReturned += returned.size();
      totalRan += ran.size();
    }
    assertThat(totalRan).as("the race was exercised: jobs ran").isPositive();
    assertThat(totalReturned).as("the race was exercised: jobs were returned").isPositive();
  }

  private static void stopRounds(int rounds) throws Exception {
    for (int round = 0; round < rounds; round++) {
      Round r = new Round(pool(round));
      r.startSubmitters();
      r.waitAMoment();
      r.pool.stop();
      r.joinSubmitters();
      assertThat(r.pool.awaitTermination(Duration.ofSeconds(10))).isTrue();

      Set<Callable<?>> ran = identitySet();
      ran.addAll(r.ran);
      assertThat(r.ran).as("round %d: a job ran twice", round).hasSameSizeAs(ran);
      assertThat(ran).as("round %d: every accepted job ran", round).hasSameSizeAs(r.accepted);
      assertThat(r.accepted.stream().filter(job -> !ran.contains(job))).isEmpty();
    }
  }

  private static Pool pool(int round) {
    return switch (round % 3) {
      case 0 -> fixed();
      case 1 -> dynamic();
      default -> BoundedPool.builder().name("race-bounded").maxConcurrency(2).build();
    };
  }

  private static Pool fixed() {
    return WorkerPool.builder().name("race-fixed").size(2).queueCapacity(8).build();
  }

  private static Pool dynamic() {
    return DynamicWorkerPool.builder()
        .name("race-dynamic")
        .minWorkers(0)
        .maxWorkers(3)
        .queueCapacity(8)
        .growThreshold(2)
        .idleTimeout(Duration.ofMillis(1))
        .build();
  }

  private static Set<Callable<?>> identitySet() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }

  /** One round: submitters that submit distinct jobs until the pool refuses them. */
  private static final class Round {
    final Pool pool;
    final Set<Callable<?>> accepted = ConcurrentHashMap.newKeySet();
    final List<Callable<?>> ran = Collections.synchronizedList(new ArrayList<>());
    final List<Thread> submitters = new ArrayList<>();

    Round(Pool pool) {
      this.pool = pool;
    }

    void startSubmitters() {
      for (int s = 0; s < 3; s++) {
        submitters.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (true) {
                        Callable<Object> job = new RecordingJob(ran);
                        try {
                          if (ThreadLocalRandom.current().nextBoolean()) {
                            pool.submit(job);
                          } else if (pool.trySubmit(job).isEmpty()) {
                            continue;
                          }
                          accepted.add(job);
                        } catch (PoolStoppedException stopped) {
                          return;
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          return;
                        }
                      }
                    }));
      }
    }

    void waitAMoment() throws InterruptedException {
      Thread.sleep(0, ThreadLocalRandom.current().nextInt(200_000));
    }

    void joinSubmitters() throws InterruptedException {
      for (Thread t : submitters) {
        t.join();
      }
    }
  }

  /** A distinct job that records itself when it runs. */
  private static final class RecordingJob implements Callable<Object> {
    private final List<Callable<?>> ran;

    RecordingJob(List<Callable<?>> ran) {
      this.ran = ran;
    }

    @Override
    public Object call() {
      ran.add(this);
      return this;
    }
  }
}
