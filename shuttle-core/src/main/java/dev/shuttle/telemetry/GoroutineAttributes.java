package dev.shuttle.telemetry;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Event names and attribute keys of the log records about live goroutines: stall reports ({@code
 * Goroutines.detectStalls}) and the live export ({@code Goroutines.exportLive}, see {@code
 * docs/adr/0009-live-goroutines-as-log-records.md}).
 */
public final class GoroutineAttributes {
  /** The event name of a stall report. */
  public static final String EVENT_STALLED = "shuttle.goroutine.stalled";

  /** The event name of one live goroutine in an export round. */
  public static final String EVENT_RUNNING = "shuttle.goroutine.running";

  /** The event name of the record that closes an export round. */
  public static final String EVENT_SNAPSHOT = "shuttle.goroutines.snapshot";

  /** The goroutine's id (its thread id). */
  public static final AttributeKey<Long> ID = longKey("shuttle.goroutine.id");

  /** The goroutine's thread name. */
  public static final AttributeKey<String> NAME = stringKey("shuttle.goroutine.name");

  /** What started it: {@code go}, {@code errgroup fetch}, {@code pool images}… */
  public static final AttributeKey<String> OWNER = stringKey("shuttle.goroutine.owner");

  /** The id of the goroutine that started it; 0 when none did. */
  public static final AttributeKey<Long> PARENT_ID = longKey("shuttle.goroutine.parent_id");

  /** {@code running} or {@code blocked}. */
  public static final AttributeKey<String> STATE = stringKey("shuttle.goroutine.state");

  /** What it waits on, in words: {@code chan send on jobs (len 10, cap 10)}. */
  public static final AttributeKey<String> BLOCKED_ON = stringKey("shuttle.goroutine.blocked_on");

  /** The kind of wait: {@code chan send}, {@code select}, {@code pool idle}… */
  public static final AttributeKey<String> BLOCKED_ON_KIND =
      stringKey("shuttle.goroutine.blocked_on.kind");

  /** Since when it waits, in Unix epoch nanoseconds. */
  public static final AttributeKey<Long> BLOCKED_SINCE = longKey("shuttle.goroutine.blocked_since");

  /** How long it had waited when reported, in milliseconds. */
  public static final AttributeKey<Long> BLOCKED_FOR_MS =
      longKey("shuttle.goroutine.blocked_for_ms");

  /** When it started, in Unix epoch nanoseconds. */
  public static final AttributeKey<Long> STARTED_AT = longKey("shuttle.goroutine.started_at");

  /** The name of its own span, when it has one (then the record's span is that span). */
  public static final AttributeKey<String> SPAN_NAME = stringKey("shuttle.goroutine.span_name");

  /** The span id (16 hex digits) of its own span's parent, when it has a span of its own. */
  public static final AttributeKey<String> PARENT_SPAN_ID =
      stringKey("shuttle.goroutine.parent_span_id");

  /** The number of the export round a record belongs to. */
  public static final AttributeKey<Long> ROUND = longKey("shuttle.goroutines.round");

  /** On the closing record: how many goroutine records the round has. */
  public static final AttributeKey<Long> COUNT = longKey("shuttle.goroutines.count");

  /** On the closing record: how many of them are blocked. */
  public static final AttributeKey<Long> BLOCKED = longKey("shuttle.goroutines.blocked");

  /** On the closing record: the export interval, in milliseconds. */
  public static final AttributeKey<Long> INTERVAL_MS = longKey("shuttle.goroutines.interval_ms");

  private GoroutineAttributes() {}
}
