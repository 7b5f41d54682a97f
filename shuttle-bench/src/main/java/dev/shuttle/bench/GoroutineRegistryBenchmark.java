package dev.shuttle.bench;

import dev.shuttle.channel.Channel;
import dev.shuttle.sync.WaitGroup;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the goroutine registry costs: the same work with the registry on (the default) and off
 * ({@code -Dshuttle.goroutines.registry=false}, a fork of its own), side by side in one run. Both
 * ends of every hand-off are Shuttle goroutines, so every park records a block.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GoroutineRegistryBenchmark {
  private static final int MESSAGES = 100_000;
  private static final int GOROUTINES = 1_000;
  private static final String OFF = "-Dshuttle.goroutines.registry=false";

  @Param({"0", "16"})
  public int capacity;

  /** A producer and a consumer goroutine pass {@value #MESSAGES} messages; registry on. */
  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void handOffRegistryOn() throws InterruptedException {
    handOff(capacity);
  }

  /** As {@link #handOffRegistryOn}, registry off. */
  @Benchmark
  @Fork(value = 1, jvmArgsAppend = OFF)
  @OperationsPerInvocation(MESSAGES)
  public void handOffRegistryOff() throws InterruptedException {
    handOff(capacity);
  }

  /**
   * A virtual thread starts {@value #GOROUTINES} goroutines with {@code WaitGroup.go} and waits for
   * them; registry on. Score per goroutine.
   */
  @Benchmark
  @OperationsPerInvocation(GOROUTINES)
  public void startAndJoinRegistryOn() throws InterruptedException {
    startAndJoin();
  }

  /** As {@link #startAndJoinRegistryOn}, registry off. */
  @Benchmark
  @Fork(value = 1, jvmArgsAppend = OFF)
  @OperationsPerInvocation(GOROUTINES)
  public void startAndJoinRegistryOff() throws InterruptedException {
    startAndJoin();
  }

  private static void handOff(int capacity) throws InterruptedException {
    Channel<Integer> channel = Channel.buffered(capacity);
    WaitGroup wg = WaitGroup.create();
    wg.go(
        () -> {
          for (int i = 0; i < MESSAGES; i++) {
            channel.send(i);
          }
        });
    wg.go(
        () -> {
          for (int i = 0; i < MESSAGES; i++) {
            channel.receive();
          }
        });
    wg.await();
  }

  private static void startAndJoin() throws InterruptedException {
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  WaitGroup wg = WaitGroup.create();
                  for (int i = 0; i < GOROUTINES; i++) {
                    wg.go(() -> {});
                  }
                  try {
                    wg.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    caller.join();
  }
}
