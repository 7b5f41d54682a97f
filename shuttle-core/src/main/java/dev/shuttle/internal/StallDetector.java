package dev.shuttle.internal;

import dev.shuttle.inspect.GoroutineInfo;
import dev.shuttle.telemetry.GoroutineAttributes;
import dev.shuttle.telemetry.ShuttleMetricNames;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.LongCounter;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reports each goroutine blocked longer than a threshold, once per blocked spell: one WARN log
 * record in its trace and span, and one count in {@code shuttle.goroutine.stalls}.
 *
 * <p>Implementation note: {@link #check} runs on the watch thread only; {@code reported} (goroutine
 * id → the block sequence already reported) is confined to it. A goroutine that blocks again has a
 * new sequence and is reported again; ids of ended goroutines are dropped on each check.
 */
final class StallDetector implements Runnable {
  private static final PerOpenTelemetry<LongCounter> STALLS =
      new PerOpenTelemetry<>(
          meter ->
              meter
                  .counterBuilder(ShuttleMetricNames.GOROUTINE_STALLS)
                  .setUnit("{stall}")
                  .setDescription("Goroutines blocked longer than the stall threshold.")
                  .build());

  private final long thresholdNanos;
  private final Map<Long, Long> reported = new HashMap<>();

  StallDetector(Duration threshold) {
    this.thresholdNanos = threshold.toNanos();
  }

  @Override
  public void run() {
    try {
      check();
    } catch (RuntimeException e) { // a failing exporter must not stop the detector
      System.getLogger(StallDetector.class.getName())
          .log(System.Logger.Level.WARNING, "goroutine stall check failed", e);
    }
  }

  void check() {
    LiveGoroutine.Clocks clocks = LiveGoroutine.Clocks.now();
    Set<Long> alive = new HashSet<>();
    for (LiveGoroutine g : GoroutineRegistry.live()) {
      alive.add(g.id);
      LiveGoroutine.BlockState state = g.blockState();
      if (state.target() == null || clocks.nanoNow() - state.since() < thresholdNanos) {
        continue;
      }
      Long done = reported.get(g.id);
      if (done != null && done == state.seq()) {
        continue;
      }
      reported.put(g.id, state.seq());
      GoroutineInfo info = g.info(clocks);
      if (info.blocked()) { // it may have woken between the two readings
        report(info, clocks);
      }
    }
    reported.keySet().retainAll(alive);
  }

  private static void report(GoroutineInfo g, LiveGoroutine.Clocks clocks) {
    long blockedForMs = g.blockedFor(clocks.wallNow()).toMillis();
    AttributesBuilder attributes =
        Attributes.builder().put(GoroutineAttributes.BLOCKED_FOR_MS, blockedForMs);
    LogRecordBuilder record =
        ShuttleTelemetry.openTelemetry()
            .getLogsBridge()
            .get(ShuttleTelemetry.INSTRUMENTATION_SCOPE)
            .logRecordBuilder()
            .setEventName(GoroutineAttributes.EVENT_STALLED)
            .setSeverity(Severity.WARN)
            .setSeverityText("WARN")
            .setTimestamp(clocks.wallNow())
            .setBody(
                "goroutine "
                    + g.id()
                    + " \""
                    + g.name()
                    + "\" stalled: blocked for "
                    + blockedForMs
                    + " ms on "
                    + java.util.Objects.requireNonNull(g.blockedOn()).describe());
    GoroutineRecords.about(record, g, attributes);
    Attributes built = attributes.build();
    record.setAllAttributes(built).emit();
    STALLS
        .get()
        .add(
            1,
            Attributes.of(
                GoroutineAttributes.BLOCKED_ON_KIND,
                java.util.Objects.requireNonNull(built.get(GoroutineAttributes.BLOCKED_ON_KIND))));
  }
}
