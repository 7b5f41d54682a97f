package dev.shuttle.telemetry;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the {@link OpenTelemetry} instance that Shuttle records to.
 *
 * <p>Until {@link #use} is called, Shuttle follows {@link GlobalOpenTelemetry}: no-op while no
 * global instance is set (without setting one, so the application can still set it later), the
 * global instance once it is. Tracer and meter are cached per instance, so switching costs one
 * volatile read on the hot path.
 *
 * <p>Under the OpenTelemetry Java agent the global instance is the agent's, so Shuttle's spans join
 * the traces of the application and of the agent's instrumentation without any set-up. Do not
 * {@link #use} a second SDK there: the agent's context carries only its own spans, so the spans of
 * a second SDK lose their parents (see {@code docs/adr/0006-opentelemetry-java-agent.md}).
 *
 * {@snippet :
 * ShuttleTelemetry.use(openTelemetrySdk); // e.g. in tests, or with no global instance
 * }
 *
 * <p>Implementation note: {@code current} holds an immutable snapshot (instance, tracer, meter);
 * readers compare the resolved instance with the snapshot's and rebuild it when they differ. Two
 * threads may rebuild at once; both results are equivalent, so the last write wins harmlessly.
 */
public final class ShuttleTelemetry {
  /** The instrumentation scope name of every tracer and meter Shuttle creates. */
  public static final String INSTRUMENTATION_SCOPE = "dev.shuttle";

  private static volatile @Nullable OpenTelemetry explicit;
  private static volatile Snapshot current = new Snapshot(OpenTelemetry.noop());

  private ShuttleTelemetry() {}

  /**
   * Records Shuttle's telemetry to {@code openTelemetry} from now on, instead of the global one.
   *
   * @param openTelemetry the instance whose tracer, meter and logger Shuttle uses
   */
  public static void use(OpenTelemetry openTelemetry) {
    explicit = Objects.requireNonNull(openTelemetry, "openTelemetry");
  }

  /** Goes back to following {@link GlobalOpenTelemetry} (the default). */
  public static void useGlobal() {
    explicit = null;
  }

  /**
   * Returns the instance Shuttle records to now.
   *
   * @return the instance given to {@link #use}, or else the global one (a no-op one while none is
   *     set)
   */
  public static OpenTelemetry openTelemetry() {
    OpenTelemetry chosen = explicit;
    return chosen != null ? chosen : GlobalOpenTelemetry.getOrNoop();
  }

  /**
   * Returns Shuttle's tracer from the current instance.
   *
   * @return the tracer of scope {@value #INSTRUMENTATION_SCOPE}
   */
  public static Tracer tracer() {
    return snapshot().tracer;
  }

  /**
   * Returns Shuttle's meter from the current instance.
   *
   * @return the meter of scope {@value #INSTRUMENTATION_SCOPE}
   */
  public static Meter meter() {
    return snapshot().meter;
  }

  private static Snapshot snapshot() {
    OpenTelemetry wanted = openTelemetry();
    Snapshot snapshot = current;
    if (!snapshot.openTelemetry.equals(wanted)) {
      snapshot = new Snapshot(wanted);
      current = snapshot;
    }
    return snapshot;
  }

  record Snapshot(OpenTelemetry openTelemetry, Tracer tracer, Meter meter) {
    Snapshot(OpenTelemetry openTelemetry) {
      this(
          openTelemetry,
          openTelemetry.getTracer(INSTRUMENTATION_SCOPE),
          openTelemetry.getMeter(INSTRUMENTATION_SCOPE));
    }
  }
}
