package dev.shuttle.bench;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Select;
import dev.shuttle.channel.SelectCase;
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
 * A consumer selects over two channels fed by one producer each, all virtual threads: Shuttle's
 * fair {@code select} against Jox's. Score per selected message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SelectBenchmark {
  private static final int PER_PRODUCER = 50_000;

  @Param({"shuttle", "jox"})
  public String impl = "shuttle";

  @Param({"0", "16"})
  public int capacity;

  @Benchmark
  @OperationsPerInvocation(2 * PER_PRODUCER)
  public void selectOverTwo() throws InterruptedException {
    if (impl.equals("shuttle")) {
      Channel<Integer> a = Channel.buffered(capacity);
      Channel<Integer> b = Channel.buffered(capacity);
      SelectCase<Integer> fromA = a.onReceive(v -> v);
      SelectCase<Integer> fromB = b.onReceive(v -> v);
      VirtualThreads.runAll(
          List.of(
              () -> produce(a::send),
              () -> produce(b::send),
              () -> {
                for (int i = 0; i < 2 * PER_PRODUCER; i++) {
                  Select.select(fromA, fromB);
                }
              }));
    } else {
      com.softwaremill.jox.Channel<Integer> a = joxChannel();
      com.softwaremill.jox.Channel<Integer> b = joxChannel();
      VirtualThreads.runAll(
          List.of(
              () -> produce(a::send),
              () -> produce(b::send),
              () -> {
                for (int i = 0; i < 2 * PER_PRODUCER; i++) {
                  com.softwaremill.jox.Select.select(a.receiveClause(), b.receiveClause());
                }
              }));
    }
  }

  private com.softwaremill.jox.Channel<Integer> joxChannel() {
    return capacity == 0
        ? com.softwaremill.jox.Channel.newRendezvousChannel()
        : com.softwaremill.jox.Channel.newBufferedChannel(capacity);
  }

  private interface Sender {
    void send(Integer value) throws InterruptedException;
  }

  private static void produce(Sender sender) throws InterruptedException {
    for (int i = 0; i < PER_PRODUCER; i++) {
      sender.send(i);
    }
  }
}
