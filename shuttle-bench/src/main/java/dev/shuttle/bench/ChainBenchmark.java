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
 * {@value #CHAIN_MESSAGES} messages through a chain of {@value #CHAIN} channels, one virtual thread
 * forwarding between each pair: Shuttle's channel against Jox's and {@code java.util.concurrent}'s
 * (as in {@link ChannelBenchmark}). Score per message per hop. The capacity of every hop is 16 by
 * default (the comparison's shape); {@code -p capacity=0,16,100} gives the other sizes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ChainBenchmark {
  private static final int CHAIN = 1_000;
  private static final int CHAIN_MESSAGES = 100;

  @Param({"shuttle", "jox", "juc"})
  public String impl = "shuttle";

  @Param({"16"})
  public int capacity = 16;

  /** Sends the messages in at one end and takes them out at the other. */
  @Benchmark
  @OperationsPerInvocation(CHAIN * CHAIN_MESSAGES)
  public void chain() throws InterruptedException {
    List<Queue> queues = new ArrayList<>(CHAIN + 1);
    for (int i = 0; i <= CHAIN; i++) {
      queues.add(Queue.create(impl, capacity));
    }
    List<VirtualThreads.Body> bodies = new ArrayList<>(CHAIN + 2);
    bodies.add(
        () -> {
          for (int i = 0; i < CHAIN_MESSAGES; i++) {
            queues.get(0).send(i);
          }
        });
    for (int c = 0; c < CHAIN; c++) {
      Queue in = queues.get(c);
      Queue out = queues.get(c + 1);
      bodies.add(
          () -> {
            for (int i = 0; i < CHAIN_MESSAGES; i++) {
              out.send(in.receive());
            }
          });
    }
    bodies.add(
        () -> {
          for (int i = 0; i < CHAIN_MESSAGES; i++) {
            queues.get(CHAIN).receive();
          }
        });
    VirtualThreads.runAll(bodies);
  }
}
