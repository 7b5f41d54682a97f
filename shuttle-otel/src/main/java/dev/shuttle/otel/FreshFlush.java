package dev.shuttle.otel;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Asks a provider to flush, and asks again when the answer is already complete, so that what ended
 * before the call is exported.
 *
 * <p>The SDK's batch processors (spans and log records, 1.68) complete a flush before they clear
 * the pending request. A flush asked for in that gap is handed the previous, completed result and
 * triggers no export: what ended since waits for the next scheduled export, which in a test or a
 * demo with a long schedule delay never comes. With flushes that follow each other, as in {@code
 * end(); flush(); end(); flush();}, about one flush in a hundred is lost that way on a two-core
 * machine. A real flush of a batch processor is never complete when {@code forceFlush()} returns:
 * its worker thread does the export. So a complete answer is asked again, after a short pause that
 * lets the worker clear the request, a few times. A provider with nothing to flush (no processor, a
 * simple processor) answers complete every time and costs those pauses, about 1.5 ms in all.
 */
final class FreshFlush {
  private static final int RETRIES = 5;
  private static final long FIRST_PAUSE_NANOS = 50_000;

  private FreshFlush() {}

  /**
   * Returns the result of a flush asked for after this call began.
   *
   * @param flush the provider's {@code forceFlush}
   * @return the flush's result, possibly still pending
   */
  static CompletableResultCode of(Supplier<CompletableResultCode> flush) {
    CompletableResultCode result = flush.get();
    long pause = FIRST_PAUSE_NANOS;
    for (int retry = 0; retry < RETRIES && result.isDone(); retry++) {
      LockSupport.parkNanos(pause);
      pause *= 2;
      result = flush.get();
    }
    return result;
  }
}
