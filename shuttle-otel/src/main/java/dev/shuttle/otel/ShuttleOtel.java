package dev.shuttle.otel;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.export.MetricReader;
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
 *   Tracer tracer = otel.openTelemetry().getTracer("checkout");
 *   // ... instrumented work ...
 * } // flushed and shut down here
 * }
 *
 * <p>Unless disabled, a JVM shutdown hook flushes and shuts down the SDK if the application never
 * closes the handle; {@link #close()} removes that hook.
 *
 * <p><b>Under the OpenTelemetry Java agent</b> ({@link #isJavaAgentActive()}) the handle starts no
 * SDK of its own: it stands for the agent's {@code GlobalOpenTelemetry}, which is what Shuttle and
 * every instrumentation in the process record to (see {@code docs/adr/0006}). Then {@link
 * #openTelemetry()} returns the agent's instance, {@link #sdk()} throws, {@link #flush()} returns
 * {@code false} at once (the application cannot reach the agent's SDK, which exports every {@code
 * otel.bsp.schedule.delay} and at JVM exit), and {@link #close()} only marks the handle closed: the
 * agent owns its SDK and flushes it when the JVM exits.
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

  /** The SDK this handle started, or null when it stands for the Java agent's instance. */
  private final @Nullable OpenTelemetrySdk sdk;

  private final OpenTelemetry openTelemetry;

  /** Readers added to the builder; under the agent they are never registered, only shut down. */
  private final List<MetricReader> unusedReaders;

  private final Duration shutdownTimeout;
  private final AtomicReference<@Nullable CompletableResultCode> shutdown = new AtomicReference<>();
  private final ShutdownHook hook;

  ShuttleOtel(OpenTelemetrySdk sdk, Duration shutdownTimeout, boolean installHook) {
    this(sdk, sdk, List.of(), shutdownTimeout, installHook);
  }

  private ShuttleOtel(
      @Nullable OpenTelemetrySdk sdk,
      OpenTelemetry openTelemetry,
      List<MetricReader> unusedReaders,
      Duration shutdownTimeout,
      boolean installHook) {
    this.sdk = sdk;
    this.openTelemetry = openTelemetry;
    this.unusedReaders = List.copyOf(unusedReaders);
    this.shutdownTimeout = shutdownTimeout;
    this.hook = new ShutdownHook("shuttle-otel-shutdown", this::shutdownSdk);
    if (installHook) {
      hook.install();
    }
  }

  /** A handle on the Java agent's instance; {@code unusedReaders} are shut down on close. */
  static ShuttleOtel onJavaAgent(OpenTelemetry agents, List<MetricReader> unusedReaders) {
    return new ShuttleOtel(null, agents, unusedReaders, Duration.ZERO, false);
  }

  /**
   * Returns whether the OpenTelemetry Java agent is active in this JVM, so that {@link
   * ShuttleOtelBuilder#start()} returns a handle on the agent's instance instead of starting an
   * SDK.
   *
   * <p>The agent is active when its bootstrap class is present and {@code GlobalOpenTelemetry} is
   * the agent's; a JVM started with {@code -Dotel.javaagent.enabled=false} has no active agent.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return true under an active OpenTelemetry Java agent
   */
  public static boolean isJavaAgentActive() {
    return JavaAgent.global().isPresent();
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
   * Returns the instance to record to: the SDK this handle started, or the Java agent's {@code
   * GlobalOpenTelemetry} under the agent.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the OpenTelemetry instance, to obtain tracers, meters and loggers
   */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * Returns whether this handle stands for the OpenTelemetry Java agent's instance rather than an
   * SDK of its own.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return true if {@link ShuttleOtelBuilder#start()} found an active Java agent
   */
  public boolean usesJavaAgent() {
    return sdk == null;
  }

  /**
   * Returns the SDK this handle started, for SDK-only operations such as {@code
   * getSdkTracerProvider()}; prefer {@link #openTelemetry()}, which also works under the agent.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the SDK
   * @throws IllegalStateException under the Java agent, whose SDK the application cannot reach
   */
  public OpenTelemetrySdk sdk() {
    if (sdk == null) {
      throw new IllegalStateException(
          "the OpenTelemetry Java agent owns the SDK in this JVM; use openTelemetry() instead of"
              + " sdk()");
    }
    return sdk;
  }

  /**
   * Force-flushes traces, metrics and logs and waits up to {@link #DEFAULT_FLUSH_TIMEOUT}.
   *
   * <p>Under the Java agent nothing is flushed and the result is {@code false} at once: the agent
   * exports on its own schedule.
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
   * <p>Under the Java agent nothing is flushed and the result is {@code false} at once: the agent
   * exports every {@code otel.bsp.schedule.delay} (5 s by default) and at JVM exit, and offers the
   * application no way to flush it.
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
    OpenTelemetrySdk sdk = this.sdk;
    if (sdk == null) {
      return false;
    }
    CompletableResultCode result =
        CompletableResultCode.ofAll(
            List.of(flushSpansAndLogs(sdk), sdk.getSdkMeterProvider().forceFlush()));
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
   * <p>Under the Java agent only the handle is closed (and metric readers added to the builder are
   * shut down): the agent's SDK keeps running and is flushed by the agent at JVM exit.
   *
   * <p>Thread-safety: safe to call from any thread, more than once.
   */
  @Override
  public void close() {
    hook.remove();
    shutdownSdk();
  }

  private void shutdownSdk() {
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    CompletableResultCode result = shutdown.get();
    if (result == null) {
      CompletableResultCode mine = new CompletableResultCode();
      if (shutdown.compareAndSet(null, mine)) {
        // SDK shutdown flushes every batch processor and metric reader before it stops them, but
        // a batch processor's flush asked for just after another completed exports nothing
        // (FreshFlush); then the processor stops with what ended since. Flush afresh first.
        OpenTelemetrySdk sdk = this.sdk;
        if (sdk != null) {
          flushSpansAndLogs(sdk).join(shutdownTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        CompletableResultCode sdkResult = shutdownResult();
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
    result.join(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** Flushes the span and log batch processors, each asked afresh ({@link FreshFlush}). */
  private static CompletableResultCode flushSpansAndLogs(OpenTelemetrySdk sdk) {
    return CompletableResultCode.ofAll(
        List.of(
            FreshFlush.of(sdk.getSdkTracerProvider()::forceFlush),
            FreshFlush.of(sdk.getSdkLoggerProvider()::forceFlush)));
  }

  private CompletableResultCode shutdownResult() {
    OpenTelemetrySdk sdk = this.sdk;
    if (sdk != null) {
      return sdk.shutdown();
    }
    return CompletableResultCode.ofAll(unusedReaders.stream().map(MetricReader::shutdown).toList());
  }

  @Override
  public String toString() {
    return "ShuttleOtel{closed="
        + isClosed()
        + (sdk != null ? ", sdk=" + sdk : ", javaAgent=" + openTelemetry)
        + "}";
  }
}
