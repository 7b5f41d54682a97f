package dev.shuttle.nats;

import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.nats.client.impl.Headers;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Carries a Shuttle context across processes in NATS message headers: the trace context and baggage
 * (through the propagator Shuttle is configured with), the deadline, and the cancellation of a
 * context that is already done.
 *
 * {@snippet :
 * // producer
 * Headers headers = NatsHeaders.write(Context.current(), new Headers());
 * jetStream.publish(NatsMessage.builder().subject("jobs").headers(headers).data(body).build());
 *
 * // consumer
 * CarriedContext carried = NatsHeaders.read(message.getHeaders(), Context.root());
 * try (CancelableContext job = carried.cancelableContext()) {
 *   // run the job under job.context(): the producer's trace, baggage and deadline
 * }
 * }
 *
 * <p>Headers written:
 *
 * <ul>
 *   <li>whatever the {@link TextMapPropagator} of {@link ShuttleTelemetry#openTelemetry()} writes
 *       (with the W3C propagators: {@code traceparent}, {@code tracestate}, {@code baggage});
 *   <li>{@value #DEADLINE}: the context's deadline ({@link Contexts#deadline}) as an RFC 3339
 *       instant in UTC with nine fraction digits, e.g. {@code 2026-12-03T17:42:05.123456789Z} (an
 *       instant, not a duration: it holds while the message waits in a stream, and the machines'
 *       clocks must agree);
 *   <li>{@value #CANCELLED}: only when the context is done, its cause's class name and message
 *       ({@code java.util.concurrent.TimeoutException: SLA}), or Go's error text when there is no
 *       cause, reduced to printable ASCII and cut to {@value #MAX_CANCELLED_LENGTH} characters.
 * </ul>
 *
 * <p>Headers come from the network, so reading trusts none of them: a value that is missing,
 * malformed (not printable ASCII, not an instant, not valid for the propagator) or longer than its
 * bound is ignored, as if absent; reading never throws on header content.
 *
 * <p>All methods are thread-safe; a {@link Headers} instance is not, so do not share one while it
 * is being written.
 */
public final class NatsHeaders {
  /** The header carrying the sender's deadline: {@value}. */
  public static final String DEADLINE = "Shuttle-Deadline";

  /** The header carrying the cancellation of a sender whose context was done: {@value}. */
  public static final String CANCELLED = "Shuttle-Cancelled";

  /**
   * The longest {@value #CANCELLED} value Shuttle writes or reads, in characters; longer ones read
   * back are ignored.
   */
  public static final int MAX_CANCELLED_LENGTH = 256;

  /**
   * The longest value (repeated headers joined with commas) Shuttle hands to the propagator, in
   * characters: {@value}, the W3C baggage limit. Longer ones are ignored, as if absent.
   */
  public static final int MAX_PROPAGATED_LENGTH = 8192;

  /** The longest {@value #DEADLINE} value Shuttle reads, in characters; longer ones are ignored. */
  static final int MAX_DEADLINE_LENGTH = 64;

  private static final DateTimeFormatter DEADLINE_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** RFC 3339 has four-digit years; deadlines outside them are not written. */
  private static final Instant FIRST_WRITABLE = Instant.parse("0000-01-01T00:00:00Z");

  private static final Instant LAST_WRITABLE = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private static final TextMapSetter<Headers> SETTER =
      (headers, key, value) -> {
        if (headers != null && HeaderText.isPrintableAscii(value)) {
          headers.put(key, value);
        }
      };

  private NatsHeaders() {}

  /**
   * Writes what {@code context} carries into {@code headers} and returns them. Shuttle's own
   * headers that do not apply ({@value #DEADLINE} without a deadline, {@value #CANCELLED} while the
   * context is not done) are removed, so a reused instance carries nothing stale; a value the
   * propagator produces outside printable ASCII is skipped (NATS headers are ASCII).
   *
   * @param context the sender's context: its span, baggage, deadline and cancellation are written
   * @param headers the outgoing message's headers, written in place
   * @return {@code headers}
   * @throws UnsupportedOperationException if {@code headers} are read-only (those of a received
   *     message); copy them with {@code new Headers(received)} first
   */
  public static Headers write(Context context, Headers headers) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(headers, "headers");
    propagator().inject(context, headers, SETTER);
    Optional<Instant> deadline = Contexts.deadline(context);
    if (deadline.isPresent() && writable(deadline.get())) {
      headers.put(DEADLINE, DEADLINE_FORMAT.format(deadline.get()));
    } else {
      headers.remove(DEADLINE);
    }
    String cancelled = cancellationText(context);
    if (cancelled != null) {
      headers.put(CANCELLED, cancelled);
    } else {
      headers.remove(CANCELLED);
    }
    return headers;
  }

  /**
   * Reads what a sender carried in {@code headers}: the propagator extracts into {@code parent}
   * (with the W3C propagators, the remote span becomes the parent span and the baggage is
   * replaced), and the deadline and cancellation are parsed. Never throws on header content: what
   * is missing, malformed or too long is left out of the result.
   *
   * @param headers a received message's headers; {@code null} (a message without headers) reads as
   *     empty
   * @param parent the context to extract into, often {@link Context#root()} in a consumer
   * @return what the headers carried; empty parts where they carried nothing valid
   */
  public static CarriedContext read(@Nullable Headers headers, Context parent) {
    Objects.requireNonNull(parent, "parent");
    if (headers == null || headers.isEmpty()) {
      return new CarriedContext(parent, null, null);
    }
    Context extracted = propagator().extract(parent, headers, HeadersGetter.INSTANCE);
    return new CarriedContext(extracted, deadline(headers), cancelled(headers));
  }

  private static TextMapPropagator propagator() {
    return ShuttleTelemetry.openTelemetry().getPropagators().getTextMapPropagator();
  }

  private static boolean writable(Instant deadline) {
    return !deadline.isBefore(FIRST_WRITABLE) && !deadline.isAfter(LAST_WRITABLE);
  }

  private static @Nullable String cancellationText(Context context) {
    ContextError err = Contexts.err(context);
    if (err == null) {
      return null;
    }
    Throwable cause = Contexts.cause(context);
    String text;
    if (cause == null) {
      text = err.message();
    } else {
      String message = cause.getMessage();
      text = cause.getClass().getName() + (message == null ? "" : ": " + message);
    }
    return HeaderText.printableAscii(text, MAX_CANCELLED_LENGTH);
  }

  private static @Nullable Instant deadline(Headers headers) {
    String value = single(headers.get(DEADLINE), MAX_DEADLINE_LENGTH);
    if (value == null) {
      return null;
    }
    try {
      return DateTimeFormatter.ISO_INSTANT.parse(value, Instant::from);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static @Nullable String cancelled(Headers headers) {
    String value = single(headers.get(CANCELLED), MAX_CANCELLED_LENGTH);
    return value == null || value.isBlank() ? null : value;
  }

  /** Returns the one value of a Shuttle header, or {@code null} if there is not exactly one. */
  private static @Nullable String single(@Nullable List<String> values, int max) {
    if (values == null || values.size() != 1) {
      return null;
    }
    return HeaderText.joined(values, max);
  }
}
