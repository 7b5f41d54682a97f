package dev.shuttle.internal;

import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.inspect.GoroutineInfo;
import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.telemetry.GoroutineAttributes;
import dev.shuttle.telemetry.PoolAttributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Instant;

/** Fills the log records of stall reports and of the live export from a goroutine's snapshot. */
final class GoroutineRecords {
  private GoroutineRecords() {}

  /** Puts the record in the goroutine's trace and span, and adds what identifies the goroutine. */
  static LogRecordBuilder about(LogRecordBuilder record, GoroutineInfo g, AttributesBuilder a) {
    if (g.spanContext().isValid()) {
      record.setContext(Context.root().with(Span.wrap(g.spanContext())));
    }
    a.put(GoroutineAttributes.ID, g.id())
        .put(GoroutineAttributes.NAME, g.name())
        .put(GoroutineAttributes.OWNER, g.owner())
        .put(GoroutineAttributes.PARENT_ID, g.parentId())
        .put(GoroutineAttributes.STATE, g.blocked() ? "blocked" : "running")
        .put(GoroutineAttributes.STARTED_AT, epochNanos(g.startedAt()));
    if (g.spanName() != null) {
      a.put(GoroutineAttributes.SPAN_NAME, g.spanName());
      if (g.parentSpanContext().isValid()) {
        a.put(GoroutineAttributes.PARENT_SPAN_ID, g.parentSpanContext().getSpanId());
      }
    }
    BlockedOn on = g.blockedOn();
    Instant since = g.blockedSince();
    if (on != null && since != null) {
      a.put(GoroutineAttributes.BLOCKED_ON, on.describe())
          .put(GoroutineAttributes.BLOCKED_ON_KIND, on.kind())
          .put(GoroutineAttributes.BLOCKED_SINCE, epochNanos(since));
      switch (on) {
        case BlockedOn.ChannelSend send ->
            a.put(ChannelAttributes.MESSAGING_DESTINATION_NAME, send.channel());
        case BlockedOn.ChannelReceive receive ->
            a.put(ChannelAttributes.MESSAGING_DESTINATION_NAME, receive.channel());
        case BlockedOn.PoolQueue queue -> a.put(PoolAttributes.POOL_NAME, queue.pool());
        default -> {}
      }
    }
    return record;
  }

  /** One line for a record's body, as the goroutine's header line in a text dump. */
  static String headline(GoroutineInfo g, Instant now) {
    BlockedOn on = g.blockedOn();
    String state =
        on == null ? "running" : on.describe() + ", " + g.blockedFor(now).toMillis() + " ms";
    return "goroutine " + g.id() + " \"" + g.name() + "\" [" + state + "]";
  }

  static long epochNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
