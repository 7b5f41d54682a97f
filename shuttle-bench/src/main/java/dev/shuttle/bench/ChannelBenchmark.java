package dev.shuttle.bench;

import java.util.ArrayList;
import java.util.List;
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
 * Shuttle's channel against Jox's and {@code java.util.concurrent}'s ({@code SynchronousQueue} for
 * capacity 0, {@code ArrayBlockingQueue} otherwise), all on virtual threads. Scores are average
 * time per message. The chain of channels is {@link ChainBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ChannelBenchmark {
  private static final int MESSAGES = 100_000;
  private static final int PAIRS = 1_000;
  private static final int PAIR_MESSAGES = 100;

  @Param({"shuttle", "jox", "juc"})
  public String impl = "shuttle";

  @Param({"0", "16", "100"})
  public int capacity;

  /** One producer and one consumer virtual thread pass {@value #MESSAGES} messages. */
  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void producerConsumer() throws InterruptedException {
    Queue queue = Queue.create(impl, capacity);
    VirtualThreads.runAll(
        List.of(
            () -> {
              for (int i = 0; i < MESSAGES; i++) {
                queue.send(i);
              }
            },
            () -> {
              for (int i = 0; i < MESSAGES; i++) {
                queue.receive();
              }
            }));
  }

  /** {@value #PAIRS} producer/consumer pairs at once, {@value #PAIR_MESSAGES} messages each. */
  @Benchmark
  @OperationsPerInvocation(PAIRS * PAIR_MESSAGES)
  public void parallelPairs() throws InterruptedException {
    List<VirtualThreads.Body> bodies = new ArrayList<>(PAIRS * 2);
    for (int p = 0; p < PAIRS; p++) {
      Queue queue = Queue.create(impl, capacity);
      bodies.add(
          () -> {
            for (int i = 0; i < PAIR_MESSAGES; i++) {
              queue.send(i);
            }
          });
      bodies.add(
          () -> {
            for (int i = 0; i < PAIR_MESSAGES; i++) {
              queue.receive();
            }
          });
    }
    VirtualThreads.runAll(bodies);
  }
}
