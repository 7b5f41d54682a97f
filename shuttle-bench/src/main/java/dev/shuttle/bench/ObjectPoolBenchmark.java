package dev.shuttle.bench;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Does Go's {@code sync.Pool} pay on the JVM? The guide pools a small {@code SpanContextData}
 * (trace id, span id). Allocating one per use is compared with a shared pool (what {@code
 * sync.Pool} is: a concurrent free list) and with a per-thread cache ({@link ThreadLocal}, which
 * virtual threads make a poor fit: one cache per task). Two threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(2)
public class ObjectPoolBenchmark {
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";

  private final ConcurrentLinkedQueue<SpanContextData> shared = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<SpanContextData> perThread =
      ThreadLocal.withInitial(SpanContextData::new);

  /** The guide's pooled object. */
  static final class SpanContextData {
    String traceId = "";
    String spanId = "";
    long sequence;
  }

  @Benchmark
  public void allocate(Blackhole bh) {
    SpanContextData data = new SpanContextData();
    use(data, bh);
  }

  @Benchmark
  public void sharedPool(Blackhole bh) {
    SpanContextData data = shared.poll();
    if (data == null) {
      data = new SpanContextData();
    }
    use(data, bh);
    shared.offer(data);
  }

  @Benchmark
  public void threadLocalCache(Blackhole bh) {
    use(perThread.get(), bh);
  }

  private static void use(SpanContextData data, Blackhole bh) {
    data.traceId = TRACE_ID;
    data.spanId = SPAN_ID;
    data.sequence++;
    bh.consume(data);
  }
}
