package dev.shuttle.internal;

import dev.shuttle.inspect.GoroutineDump;
import dev.shuttle.inspect.GoroutineInfo;
import dev.shuttle.telemetry.GoroutineAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import java.time.Duration;

/**
 * Exports the live goroutines every interval as log records: one {@code shuttle.goroutine.running}
 * per goroutine, in its trace and span, then one {@code shuttle.goroutines.snapshot} that closes
 * the round (see {@code docs/adr/0009-live-goroutines-as-log-records.md}).
 *
 * <p>Implementation note: {@link #run} runs on the watch thread only, which confines {@code round}.
 */
final class LiveExport implements Runnable {
  private final long intervalMillis;
  private long round;

  LiveExport(Duration interval) {
    this.intervalMillis = Math.max(1, interval.toMillis());
  }

  @Override
  public void run() {
    try {
      exportRound();
    } catch (RuntimeException e) { // a failing exporter must not stop the export
      System.getLogger(LiveExport.class.getName())
          .log(System.Logger.Level.WARNING, "live goroutine export failed", e);
    }
  }

  void exportRound() {
    round++;
    GoroutineDump dump = GoroutineRegistry.snapshot();
    Logger logger =
        ShuttleTelemetry.openTelemetry()
            .getLogsBridge()
            .get(ShuttleTelemetry.INSTRUMENTATION_SCOPE);
    for (GoroutineInfo g : dump.goroutines()) {
      AttributesBuilder attributes = Attributes.builder().put(GoroutineAttributes.ROUND, round);
      LogRecordBuilder record =
          logger
              .logRecordBuilder()
              .setEventName(GoroutineAttributes.EVENT_RUNNING)
              .setSeverity(Severity.INFO)
              .setSeverityText("INFO")
              .setTimestamp(dump.takenAt())
              .setBody(GoroutineRecords.headline(g, dump.takenAt()));
      GoroutineRecords.about(record, g, attributes);
      record.setAllAttributes(attributes.build()).emit();
    }
    logger
        .logRecordBuilder()
        .setEventName(GoroutineAttributes.EVENT_SNAPSHOT)
        .setSeverity(Severity.INFO)
        .setSeverityText("INFO")
        .setTimestamp(dump.takenAt())
        .setBody(dump.goroutines().size() + " goroutines, " + dump.blockedCount() + " blocked")
        .setAllAttributes(
            Attributes.builder()
                .put(GoroutineAttributes.ROUND, round)
                .put(GoroutineAttributes.COUNT, (long) dump.goroutines().size())
                .put(GoroutineAttributes.BLOCKED, dump.blockedCount())
                .put(GoroutineAttributes.INTERVAL_MS, intervalMillis)
                .build())
        .emit();
  }
}
