package dev.shuttle.otel;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A running OpenTelemetry SDK set up for an application; closing it flushes and shuts down traces,
 * metrics and logs.
 *
 * {@snippet :
 * try (ShuttleOtel otel = ShuttleOtel.builder().serviceName("checkout").start()) {
 *   Tracer tracer = otel.sdk().getTracer("checkout");
 *   // ... instrumented work ...
 * } // flushed and shut down here
 * }
 *
 * <p>Unless disabled, a JVM shutdown hook flushes and shuts down the SDK if the application never
 * closes the handle; {@link #close()} removes that hook.
 *
 * <p>Implementation note: the only mutable state is {@code shutdown}, set once by compare-and-set
 * by whichever of {@link #close()} and the shutdown hook comes first; both then wait on the same
 * SDK shutdown result, so a concurrent second caller also returns only after the final flush (or
 * the shutdown timeout).
 *
 * <p>Thread-safety: all methods are safe to call from any thread; {@link #close()} is idempotent.
 */
public final class ShuttleOtel implements AutoCloseable {
  /** The time {@link #flush()} waits for the export to finish. */
  public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(10);

  private final OpenTelemetrySdk sdk;
  private final Duration shutdownTimeout;
  private final AtomicReference<@Nullable CompletableResultCode> shutdown = new AtomicReference<>();
  private final ShutdownHook hook;

  ShuttleOtel(OpenTelemetrySdk sdk, Duration shutdownTimeout, boolean installHook) {
    this.sdk = sdk;
    this.shutdownTimeout = shutdownTimeout;
    this.hook = new ShutdownHook("shuttle-otel-shutdown", this::shutdownSdk);
    if (installHook) {
      hook.install();
    }
  }

  /**
   * Sets up the SDK from the {@code OTEL_*} environment variables and system properties alone.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the running SDK handle
   */
  public static ShuttleOtel start() {
    return builder().start();
  }

  /**
   * Returns a builder for programmatic settings that override the environment.
   *
   * <p>Thread-safety: the returned builder is not thread-safe.
   *
   * @return a new builder
   */
  public static ShuttleOtelBuilder builder() {
    return new ShuttleOtelBuilder();
  }

  /**
   * Returns the configured SDK, to obtain tracers, meters and loggers.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the SDK
   */
  public OpenTelemetrySdk sdk() {
    return sdk;
  }

  /**
   * Force-flushes traces, metrics and logs and waits up to {@link #DEFAULT_FLUSH_TIMEOUT}.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return true if every signal was exported within the timeout
   */
  public boolean flush() {
    return flush(DEFAULT_FLUSH_TIMEOUT);
  }

  /**
   * Force-flushes traces, metrics and logs and waits for the export to finish.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @param timeout the longest time to wait
   * @return true if every signal was exported within the timeout
   * @throws IllegalArgumentException if the timeout is negative
   */
  public boolean flush(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("flush timeout must not be negative, was " + timeout);
    }
    CompletableResultCode result =
        CompletableResultCode.ofAll(
            List.of(
                sdk.getSdkTracerProvider().forceFlush(),
                sdk.getSdkMeterProvider().forceFlush(),
                sdk.getSdkLoggerProvider().forceFlush()));
    return result.join(timeout.toMillis(), TimeUnit.MILLISECONDS).isSuccess();
  }

  /**
   * Returns whether {@link #close()} was called or the shutdown hook ran.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return true once the SDK has been shut down
   */
  public boolean isClosed() {
    return shutdown.get() != null;
  }

  /**
   * Returns whether the JVM shutdown hook is currently installed.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return true while the hook would flush at JVM exit
   */
  public boolean hasShutdownHook() {
    return hook.isInstalled();
  }

  /**
   * Flushes and shuts down the SDK, waiting up to the configured shutdown timeout, and removes the
   * JVM shutdown hook; later calls do nothing.
   *
   * <p>Thread-safety: safe to call from any thread, more than once.
   */
  @Override
  public void close() {
    hook.remove();
    shutdownSdk();
  }

  private void shutdownSdk() {
    CompletableResultCode result = shutdown.get();
    if (result == null) {
      CompletableResultCode mine = new CompletableResultCode();
      if (shutdown.compareAndSet(null, mine)) {
        // SDK shutdown flushes every batch processor and metric reader before it stops them.
        CompletableResultCode sdkResult = sdk.shutdown();
        sdkResult.whenComplete(
            () -> {
              if (sdkResult.isSuccess()) {
                mine.succeed();
              } else {
                mine.fail();
              }
            });
      }
      result = Objects.requireNonNull(shutdown.get(), "shutdown");
    }
    result.join(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public String toString() {
    return "ShuttleOtel{closed=" + isClosed() + ", sdk=" + sdk + "}";
  }
}
