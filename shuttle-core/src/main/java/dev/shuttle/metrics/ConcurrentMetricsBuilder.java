package dev.shuttle.metrics;

import dev.shuttle.telemetry.CollectorMetricNames;
import io.opentelemetry.api.metrics.Meter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Configures the instrument names and the latency unit of a {@link ConcurrentMetrics}: for
 * applications, dashboards or conventions that already have names of their own.
 *
 * {@snippet :
 * ConcurrentMetrics metrics = ConcurrentMetrics.builder(meter)
 *     .requestsName("requests.count")
 *     .errorsName("errors.count")
 *     .latencyName("request.latency", TimeUnit.MILLISECONDS) // histogram in ms
 *     .connectionsName("connections.active")
 *     .build();
 * }
 *
 * <p>Names left unset keep Shuttle's defaults ({@link CollectorMetricNames}): {@code requests},
 * {@code errors}, {@code request.duration} in seconds, {@code connections.active}. A {@linkplain
 * #namespace namespace} prefixes every name, set or default. Each setting is validated when it is
 * made and may be made once.
 *
 * <p>Not thread-safe; each {@link #build()} returns new, independent metrics.
 */
public final class ConcurrentMetricsBuilder {
  /** OpenTelemetry's instrument-name syntax. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-/]{0,254}");

  private static final int MAX_NAME_LENGTH = 255;

  private final Meter meter;
  private @Nullable String namespace;
  private @Nullable String requestsName;
  private @Nullable String errorsName;
  private @Nullable String latencyName;
  private @Nullable TimeUnit latencyUnit;
  private @Nullable String connectionsName;

  ConcurrentMetricsBuilder(Meter meter) {
    this.meter = Objects.requireNonNull(meter, "meter");
  }

  /**
   * Prefixes every instrument name with {@code namespace} and a dot ({@code checkout} gives {@code
   * checkout.requests}).
   *
   * @param namespace the prefix of every instrument name
   * @return this builder
   * @throws IllegalArgumentException if {@code namespace} is not a valid instrument name (a letter,
   *     then letters, digits, {@code _ . - /}) or was already set
   */
  public ConcurrentMetricsBuilder namespace(String namespace) {
    this.namespace = checked("namespace", this.namespace, namespace);
    return this;
  }

  /**
   * Names the counter of requests (default {@code requests}).
   *
   * @param name the counter's name, before the namespace
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is not a valid instrument name or the name was
   *     already set
   */
  public ConcurrentMetricsBuilder requestsName(String name) {
    this.requestsName = checked("requests name", requestsName, name);
    return this;
  }

  /**
   * Names the counter of failed requests (default {@code errors}).
   *
   * @param name the counter's name, before the namespace
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is not a valid instrument name or the name was
   *     already set
   */
  public ConcurrentMetricsBuilder errorsName(String name) {
    this.errorsName = checked("errors name", errorsName, name);
    return this;
  }

  /**
   * Names the latency histogram and chooses the unit its values are recorded in (default {@code
   * request.duration} in seconds); {@link ConcurrentMetrics#recordLatency} converts every {@link
   * java.time.Duration} to {@code unit}, and the instrument's unit is its UCUM code ({@code ns},
   * {@code us}, {@code ms}, {@code s}, {@code min}, {@code h}, {@code d}).
   *
   * @param name the histogram's name, before the namespace
   * @param unit the unit latencies are recorded in
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is not a valid instrument name or the name was
   *     already set
   */
  public ConcurrentMetricsBuilder latencyName(String name, TimeUnit unit) {
    Objects.requireNonNull(unit, "unit");
    this.latencyName = checked("latency name", latencyName, name);
    this.latencyUnit = unit;
    return this;
  }

  /**
   * Names the up-down counter of open connections (default {@code connections.active}).
   *
   * @param name the up-down counter's name, before the namespace
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is not a valid instrument name or the name was
   *     already set
   */
  public ConcurrentMetricsBuilder connectionsName(String name) {
    this.connectionsName = checked("connections name", connectionsName, name);
    return this;
  }

  /**
   * Registers the instruments on the meter and returns the metrics.
   *
   * @return new metrics whose observable instruments stay registered until they are closed
   * @throws IllegalArgumentException if two instruments would have the same name, or a name with
   *     its namespace is longer than 255 characters
   */
  public ConcurrentMetrics build() {
    String requests = full(requestsName, CollectorMetricNames.REQUESTS);
    String errors = full(errorsName, CollectorMetricNames.ERRORS);
    String latency = full(latencyName, CollectorMetricNames.REQUEST_DURATION);
    String connections = full(connectionsName, CollectorMetricNames.CONNECTIONS_ACTIVE);
    checkDistinctAndShort(
        List.of(
            Map.entry("requests", requests),
            Map.entry("errors", errors),
            Map.entry("latency", latency),
            Map.entry("connections", connections)));
    return new ConcurrentMetrics(
        meter,
        requests,
        errors,
        latency,
        latencyUnit != null ? latencyUnit : TimeUnit.SECONDS,
        connections);
  }

  private static void checkDistinctAndShort(List<Map.Entry<String, String>> instruments) {
    Map<String, String> byName = new HashMap<>();
    for (Map.Entry<String, String> instrument : instruments) {
      String name = instrument.getValue();
      if (name.length() > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "the "
                + instrument.getKey()
                + " instrument's name is longer than "
                + MAX_NAME_LENGTH
                + " characters with its namespace: '"
                + name
                + "'");
      }
      String other = byName.putIfAbsent(name, instrument.getKey());
      if (other != null) {
        throw new IllegalArgumentException(
            "the "
                + other
                + " and "
                + instrument.getKey()
                + " instruments are both named '"
                + name
                + "'; give each its own name");
      }
    }
  }

  private String full(@Nullable String name, String fallback) {
    String chosen = name != null ? name : fallback;
    return namespace != null ? namespace + "." + chosen : chosen;
  }

  private static String checked(String what, @Nullable String current, String value) {
    Objects.requireNonNull(value, what);
    if (current != null) {
      throw new IllegalArgumentException(what + " was already set to '" + current + "'");
    }
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " must start with a letter and contain only letters, digits and _ . - /"
              + " (at most "
              + MAX_NAME_LENGTH
              + " characters), but was '"
              + value
              + "'");
    }
    return value;
  }
}
