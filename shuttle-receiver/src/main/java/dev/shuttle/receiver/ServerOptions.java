package dev.shuttle.receiver;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the receiver's servers protect themselves: the listen backlog, the timeouts for slow clients,
 * the memory that requests being decoded may take together, and the browser origins allowed to post
 * (CORS).
 *
 * {@snippet :
 * ServerOptions options =
 *     ServerOptions.defaults()
 *         .withHeaderTimeout(Duration.ofSeconds(5))
 *         .withCorsAllowedOrigins(List.of("http://localhost:5173"));
 * ReceiverConfig config = ReceiverConfig.builder().serverOptions(options).build();
 * }
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * @param backlog how many connections the operating system queues before the server accepts them
 *     (the kernel may cap it, on Linux at {@code net.core.somaxconn})
 * @param headerTimeout how long a client may take to send a request line and headers, counted from
 *     the request's first byte
 * @param idleTimeout how long a connection may stay silent: between requests, or in the middle of a
 *     request body
 * @param minBodyBytesPerSecond the slowest average rate a request body may arrive at, checked once
 *     the body has taken longer than {@link #BODY_RATE_GRACE}
 * @param decodeBudgetBytes the estimated memory all requests being read and decoded may hold
 *     together (a protobuf body is estimated at 6 times its size, JSON at 20 times); a request that
 *     would exceed what is left waits briefly, then gets HTTP 503 with {@code Retry-After}; a
 *     request that would exceed the whole budget gets HTTP 413
 * @param corsAllowedOrigins browser origins (such as {@code http://localhost:5173}) that get CORS
 *     headers; empty, the default, sends no CORS headers at all
 */
public record ServerOptions(
    int backlog,
    Duration headerTimeout,
    Duration idleTimeout,
    long minBodyBytesPerSecond,
    long decodeBudgetBytes,
    List<String> corsAllowedOrigins) {

  /** The default listen backlog: 1024. */
  public static final int DEFAULT_BACKLOG = 1024;

  /** The default header timeout: 10 seconds. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** The default idle timeout: 30 seconds. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** The default minimum body rate: 16 KiB per second. */
  public static final long DEFAULT_MIN_BODY_BYTES_PER_SECOND = 16 * 1024;

  /** How long a body may take before its average rate is checked: 5 seconds. */
  public static final Duration BODY_RATE_GRACE = Duration.ofSeconds(5);

  /** The share of the maximum heap that the default decode budget takes: one quarter. */
  public static final int DEFAULT_DECODE_BUDGET_HEAP_DIVISOR = 4;

  /** Validates every component and copies the origin list. */
  public ServerOptions {
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(corsAllowedOrigins, "corsAllowedOrigins");
    if (backlog <= 0) {
      throw new IllegalArgumentException("backlog must be positive, was " + backlog);
    }
    positive(headerTimeout, "headerTimeout");
    positive(idleTimeout, "idleTimeout");
    if (minBodyBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "minBodyBytesPerSecond must be 0 (no check) or positive, was " + minBodyBytesPerSecond);
    }
    if (decodeBudgetBytes <= 0) {
      throw new IllegalArgumentException(
          "decodeBudgetBytes must be positive, was " + decodeBudgetBytes);
    }
    corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    for (String origin : corsAllowedOrigins) {
      if (origin.isBlank() || origin.equals("*")) {
        throw new IllegalArgumentException(
            "CORS origins must be exact origins such as http://localhost:5173, was '"
                + origin
                + "'");
      }
    }
  }

  /**
   * Returns the defaults: backlog 1024, header timeout 10 s, idle timeout 30 s, bodies at least 16
   * KiB/s, a decode budget of a quarter of the maximum heap, no CORS.
   *
   * @return the defaults
   */
  public static ServerOptions defaults() {
    return new ServerOptions(
        DEFAULT_BACKLOG,
        DEFAULT_HEADER_TIMEOUT,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_MIN_BODY_BYTES_PER_SECOND,
        Runtime.getRuntime().maxMemory() / DEFAULT_DECODE_BUDGET_HEAP_DIVISOR,
        List.of());
  }

  /**
   * Returns a copy with another backlog.
   *
   * @param backlog the listen backlog, positive
   * @return the copy
   */
  public ServerOptions withBacklog(int backlog) {
    return new ServerOptions(
        backlog,
        headerTimeout,
        idleTimeout,
        minBodyBytesPerSecond,
        decodeBudgetBytes,
        corsAllowedOrigins);
  }

  /**
   * Returns a copy with another header timeout.
   *
   * @param headerTimeout the time allowed for a request line and headers, positive
   * @return the copy
   */
  public ServerOptions withHeaderTimeout(Duration headerTimeout) {
    return new ServerOptions(
        backlog,
        headerTimeout,
        idleTimeout,
        minBodyBytesPerSecond,
        decodeBudgetBytes,
        corsAllowedOrigins);
  }

  /**
   * Returns a copy with another idle timeout.
   *
   * @param idleTimeout the time a connection may stay silent, positive
   * @return the copy
   */
  public ServerOptions withIdleTimeout(Duration idleTimeout) {
    return new ServerOptions(
        backlog,
        headerTimeout,
        idleTimeout,
        minBodyBytesPerSecond,
        decodeBudgetBytes,
        corsAllowedOrigins);
  }

  /**
   * Returns a copy with another minimum body rate.
   *
   * @param minBodyBytesPerSecond the slowest average body rate, or 0 for no check
   * @return the copy
   */
  public ServerOptions withMinBodyBytesPerSecond(long minBodyBytesPerSecond) {
    return new ServerOptions(
        backlog,
        headerTimeout,
        idleTimeout,
        minBodyBytesPerSecond,
        decodeBudgetBytes,
        corsAllowedOrigins);
  }

  /**
   * Returns a copy with another decode budget.
   *
   * @param decodeBudgetBytes the estimated bytes all requests being decoded may hold, positive
   * @return the copy
   */
  public ServerOptions withDecodeBudgetBytes(long decodeBudgetBytes) {
    return new ServerOptions(
        backlog,
        headerTimeout,
        idleTimeout,
        minBodyBytesPerSecond,
        decodeBudgetBytes,
        corsAllowedOrigins);
  }

  /**
   * Returns a copy with other CORS origins.
   *
   * @param corsAllowedOrigins exact origins, such as {@code http://localhost:5173}; empty for none
   * @return the copy
   */
  public ServerOptions withCorsAllowedOrigins(List<String> corsAllowedOrigins) {
    return new ServerOptions(
        backlog,
        headerTimeout,
        idleTimeout,
        minBodyBytesPerSecond,
        decodeBudgetBytes,
        corsAllowedOrigins);
  }

  private static void positive(Duration duration, String name) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + duration);
    }
  }
}
