package dev.shuttle.otel;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Collects programmatic settings for {@link ShuttleOtel} and starts the SDK through OpenTelemetry's
 * autoconfigure module.
 *
 * <p>Every setting maps to a standard autoconfigure property (named on each method). Settings made
 * here override the same setting from {@code OTEL_*} environment variables and {@code otel.*}
 * system properties; settings not made here come from the environment, then the SDK defaults. Each
 * setter validates its argument at once and throws {@link IllegalArgumentException} with a message
 * that names the setting.
 *
 * <p>Under the OpenTelemetry Java agent, {@link #start()} starts no second SDK: it returns a handle
 * on the agent's {@code GlobalOpenTelemetry} and none of these settings apply (the agent reads the
 * same {@code otel.*} properties and {@code OTEL_*} variables itself); see {@link ShuttleOtel}.
 *
 * <p>Thread-safety: not thread-safe; configure a builder on one thread. The {@link ShuttleOtel} it
 * starts is thread-safe.
 */
public final class ShuttleOtelBuilder {
  private static final System.Logger LOG = System.getLogger(ShuttleOtel.class.getName());

  private static final Set<String> SAMPLERS =
      Set.of(
          "always_on",
          "always_off",
          "traceidratio",
          "parentbased_always_on",
          "parentbased_always_off",
          "parentbased_traceidratio");

  private final Map<String, String> overrides = new LinkedHashMap<>();
  private final AttributesBuilder resourceAttributes = Attributes.builder();
  private final List<MetricReader> extraReaders = new ArrayList<>();
  private final List<SpanProcessor> extraProcessors = new ArrayList<>();
  private boolean registerGlobal;
  private boolean shutdownHook = true;
  private Duration shutdownTimeout = Duration.ofSeconds(10);

  ShuttleOtelBuilder() {}

  /**
   * Sets the service name ({@code otel.service.name}).
   *
   * @param serviceName a non-blank name, such as {@code checkout}
   * @return this builder
   */
  public ShuttleOtelBuilder serviceName(String serviceName) {
    Objects.requireNonNull(serviceName, "serviceName");
    if (serviceName.isBlank()) {
      throw new IllegalArgumentException("serviceName must not be blank");
    }
    overrides.put("otel.service.name", serviceName);
    return this;
  }

  /**
   * Adds a resource attribute, merged over those from {@code otel.resource.attributes}.
   *
   * @param key a non-blank attribute key, such as {@code deployment.environment.name}
   * @param value the attribute value
   * @return this builder
   */
  public ShuttleOtelBuilder resourceAttribute(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (key.isBlank()) {
      throw new IllegalArgumentException("resource attribute key must not be blank");
    }
    resourceAttributes.put(key, value);
    return this;
  }

  /**
   * Sets the OTLP endpoint for all signals ({@code otel.exporter.otlp.endpoint}).
   *
   * <p>For {@link OtlpProtocol#HTTP_PROTOBUF} the SDK appends {@code /v1/traces} and so on.
   *
   * @param endpoint an absolute {@code http} or {@code https} URL, such as {@code
   *     http://127.0.0.1:4317}
   * @return this builder
   */
  public ShuttleOtelBuilder endpoint(String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("endpoint is not a valid URL: " + endpoint, e);
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint must be an absolute http:// or https:// URL with a host, was " + endpoint);
    }
    overrides.put("otel.exporter.otlp.endpoint", endpoint);
    return this;
  }

  /**
   * Sets the OTLP protocol for all signals ({@code otel.exporter.otlp.protocol}).
   *
   * @param protocol the protocol
   * @return this builder
   */
  public ShuttleOtelBuilder protocol(OtlpProtocol protocol) {
    Objects.requireNonNull(protocol, "protocol");
    overrides.put("otel.exporter.otlp.protocol", protocol.configValue());
    return this;
  }

  /**
   * Sets a sampler that takes no argument ({@code otel.traces.sampler}).
   *
   * @param name one of {@code always_on}, {@code always_off}, {@code traceidratio}, {@code
   *     parentbased_always_on}, {@code parentbased_always_off}, {@code parentbased_traceidratio}
   * @return this builder
   */
  public ShuttleOtelBuilder sampler(String name) {
    Objects.requireNonNull(name, "name");
    String normalised = name.toLowerCase(Locale.ROOT);
    if (!SAMPLERS.contains(normalised)) {
      throw new IllegalArgumentException(
          "unknown sampler '" + name + "'; use one of " + SAMPLERS.stream().sorted().toList());
    }
    overrides.put("otel.traces.sampler", normalised);
    overrides.remove("otel.traces.sampler.arg");
    return this;
  }

  /**
   * Sets a ratio-based sampler and its ratio ({@code otel.traces.sampler} and {@code
   * otel.traces.sampler.arg}).
   *
   * @param name {@code traceidratio} or {@code parentbased_traceidratio}
   * @param ratio the fraction of traces to sample, from 0.0 to 1.0
   * @return this builder
   */
  public ShuttleOtelBuilder sampler(String name, double ratio) {
    Objects.requireNonNull(name, "name");
    String normalised = name.toLowerCase(Locale.ROOT);
    if (!normalised.equals("traceidratio") && !normalised.equals("parentbased_traceidratio")) {
      throw new IllegalArgumentException(
          "sampler '"
              + name
              + "' takes no ratio; use traceidratio or parentbased_traceidratio with a ratio");
    }
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      throw new IllegalArgumentException("sampler ratio must be within [0.0, 1.0], was " + ratio);
    }
    overrides.put("otel.traces.sampler", normalised);
    overrides.put("otel.traces.sampler.arg", Double.toString(ratio));
    return this;
  }

  /**
   * Sets the delay between two batch exports of spans and of log records ({@code
   * otel.bsp.schedule.delay}, {@code otel.blrp.schedule.delay}).
   *
   * @param delay a positive delay
   * @return this builder
   */
  public ShuttleOtelBuilder batchScheduleDelay(Duration delay) {
    String value = positiveMillis(delay, "batchScheduleDelay");
    overrides.put("otel.bsp.schedule.delay", value);
    overrides.put("otel.blrp.schedule.delay", value);
    return this;
  }

  /**
   * Sets how many spans (and log records) wait for export at most; beyond it new ones are dropped
   * and counted ({@code otel.bsp.max.queue.size}, {@code otel.blrp.max.queue.size}).
   *
   * @param size a positive queue size
   * @return this builder
   */
  public ShuttleOtelBuilder batchMaxQueueSize(int size) {
    String value = Integer.toString(positive(size, "batchMaxQueueSize"));
    overrides.put("otel.bsp.max.queue.size", value);
    overrides.put("otel.blrp.max.queue.size", value);
    return this;
  }

  /**
   * Sets the largest number of spans (and log records) in one export ({@code
   * otel.bsp.max.export.batch.size}, {@code otel.blrp.max.export.batch.size}).
   *
   * @param size a positive batch size, not above the queue size
   * @return this builder
   */
  public ShuttleOtelBuilder batchMaxExportBatchSize(int size) {
    String value = Integer.toString(positive(size, "batchMaxExportBatchSize"));
    overrides.put("otel.bsp.max.export.batch.size", value);
    overrides.put("otel.blrp.max.export.batch.size", value);
    return this;
  }

  /**
   * Sets how long a batch processor waits for one export ({@code otel.bsp.export.timeout}, {@code
   * otel.blrp.export.timeout}).
   *
   * @param timeout a positive timeout
   * @return this builder
   */
  public ShuttleOtelBuilder batchExportTimeout(Duration timeout) {
    String value = positiveMillis(timeout, "batchExportTimeout");
    overrides.put("otel.bsp.export.timeout", value);
    overrides.put("otel.blrp.export.timeout", value);
    return this;
  }

  /**
   * Sets the OTLP exporters' request timeout ({@code otel.exporter.otlp.timeout}).
   *
   * @param timeout a positive timeout
   * @return this builder
   */
  public ShuttleOtelBuilder exporterTimeout(Duration timeout) {
    overrides.put("otel.exporter.otlp.timeout", positiveMillis(timeout, "exporterTimeout"));
    return this;
  }

  /**
   * Sets the interval between two metric exports ({@code otel.metric.export.interval}).
   *
   * <p>An export, or a flush, may take as long as the exporter's own timeout ({@link
   * #exporterTimeout}), even when the interval is shorter: the SDK alone would give up after the
   * interval.
   *
   * @param interval a positive interval
   * @return this builder
   */
  public ShuttleOtelBuilder metricExportInterval(Duration interval) {
    overrides.put("otel.metric.export.interval", positiveMillis(interval, "metricExportInterval"));
    return this;
  }

  /**
   * Sets any other autoconfigure property, overriding the environment; for example {@code
   * otel.logs.exporter=none}.
   *
   * @param key a property key starting with {@code otel.}
   * @param value the value
   * @return this builder
   */
  public ShuttleOtelBuilder property(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (!key.startsWith("otel.")) {
      throw new IllegalArgumentException(
          "property key must be an autoconfigure key starting with 'otel.', was '" + key + "'");
    }
    overrides.put(key, value);
    return this;
  }

  /**
   * Registers an extra metric reader next to the OTLP one, for example an in-memory reader.
   *
   * @param reader the reader; the SDK owns it and shuts it down
   * @return this builder
   */
  public ShuttleOtelBuilder addMetricReader(MetricReader reader) {
    extraReaders.add(Objects.requireNonNull(reader, "reader"));
    return this;
  }

  /**
   * Registers an extra span processor next to the OTLP one, for example one that counts or inspects
   * the spans an application ends. Ignored under the Java agent, as every setting is.
   *
   * @param processor the processor; the SDK owns it and shuts it down
   * @return this builder
   */
  public ShuttleOtelBuilder addSpanProcessor(SpanProcessor processor) {
    extraProcessors.add(Objects.requireNonNull(processor, "processor"));
    return this;
  }

  /**
   * Chooses whether the SDK becomes {@code GlobalOpenTelemetry}; off by default.
   *
   * @param registerGlobal true to register the SDK globally
   * @return this builder
   */
  public ShuttleOtelBuilder registerGlobal(boolean registerGlobal) {
    this.registerGlobal = registerGlobal;
    return this;
  }

  /**
   * Chooses whether a JVM shutdown hook flushes and shuts down the SDK; on by default.
   *
   * @param shutdownHook false to rely on an explicit {@link ShuttleOtel#close()}
   * @return this builder
   */
  public ShuttleOtelBuilder shutdownHook(boolean shutdownHook) {
    this.shutdownHook = shutdownHook;
    return this;
  }

  /**
   * Sets how long {@link ShuttleOtel#close()} waits for the final flush; 10 seconds by default.
   *
   * @param timeout a positive timeout
   * @return this builder
   */
  public ShuttleOtelBuilder shutdownTimeout(Duration timeout) {
    positiveMillis(timeout, "shutdownTimeout");
    this.shutdownTimeout = timeout;
    return this;
  }

  /**
   * Returns the autoconfigure properties this builder overrides, for inspection.
   *
   * @return an immutable copy of the overrides
   */
  public Map<String, String> overrides() {
    return Map.copyOf(overrides);
  }

  /**
   * Starts the SDK with these settings over the environment's, or, under an active OpenTelemetry
   * Java agent, returns a handle on the agent's {@code GlobalOpenTelemetry} without starting a
   * second SDK, and logs one line at {@code INFO} saying so and naming the settings it ignored.
   *
   * <p>A second SDK cannot be forced under the agent: the agent bridges the application's {@code
   * Context} to its own, which carries only the agent's spans, so the spans of a second SDK lose
   * their parents at every {@code makeCurrent()} and each trace falls apart into lone spans. To use
   * an SDK of your own, run without the agent or with {@code -Dotel.javaagent.enabled=false}.
   *
   * @return the running SDK handle, or the handle on the agent's instance
   * @throws IllegalArgumentException if the batch size exceeds the queue size
   * @throws IllegalStateException if {@code registerGlobal(true)} and a global SDK is already set
   * @throws io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException if the environment holds
   *     an invalid setting
   */
  public ShuttleOtel start() {
    checkBatchSizes();
    var agents = JavaAgent.global();
    if (agents.isPresent()) {
      LOG.log(System.Logger.Level.INFO, agentLine());
      return ShuttleOtel.onJavaAgent(agents.get(), List.copyOf(extraReaders));
    }
    Map<String, String> properties = Map.copyOf(overrides);
    Attributes attributes = resourceAttributes.build();
    List<MetricReader> readers = List.copyOf(extraReaders);
    List<SpanProcessor> processors = List.copyOf(extraProcessors);
    MetricExportTimeout exportTimeout = new MetricExportTimeout();
    AutoConfiguredOpenTelemetrySdkBuilder autoconfigure =
        AutoConfiguredOpenTelemetrySdk.builder()
            .disableShutdownHook()
            .addPropertiesCustomizer(config -> properties)
            .addMetricExporterCustomizer(exportTimeout::remember)
            .addMetricReaderCustomizer(exportTimeout::rebuild)
            .addResourceCustomizer(
                (resource, config) -> resource.merge(Resource.create(attributes)))
            .addTracerProviderCustomizer(
                (tracerProvider, config) -> {
                  processors.forEach(tracerProvider::addSpanProcessor);
                  return tracerProvider;
                })
            .addMeterProviderCustomizer(
                (meterProvider, config) -> {
                  readers.forEach(meterProvider::registerMetricReader);
                  return meterProvider;
                });
    if (registerGlobal) {
      autoconfigure.setResultAsGlobal();
    }
    return new ShuttleOtel(
        autoconfigure.build().getOpenTelemetrySdk(), shutdownTimeout, shutdownHook);
  }

  /** The one line logged when the Java agent is active. */
  String agentLine() {
    List<String> ignored = new ArrayList<>(overrides.keySet().stream().sorted().toList());
    if (!resourceAttributes.build().isEmpty()) {
      ignored.add("resource attributes");
    }
    if (!extraReaders.isEmpty()) {
      ignored.add(extraReaders.size() + " metric reader(s)");
    }
    if (!extraProcessors.isEmpty()) {
      ignored.add(extraProcessors.size() + " span processor(s)");
    }
    if (registerGlobal) {
      ignored.add("registerGlobal");
    }
    return "OpenTelemetry Java agent active: Shuttle records to the agent's GlobalOpenTelemetry;"
        + " ShuttleOtel starts no second SDK"
        + (ignored.isEmpty()
            ? ""
            : " and ignores " + String.join(", ", ignored) + " (configure the agent instead)");
  }

  private void checkBatchSizes() {
    String queue = overrides.get("otel.bsp.max.queue.size");
    String batch = overrides.get("otel.bsp.max.export.batch.size");
    if (queue != null && batch != null && Integer.parseInt(batch) > Integer.parseInt(queue)) {
      throw new IllegalArgumentException(
          "batchMaxExportBatchSize ("
              + batch
              + ") must not exceed batchMaxQueueSize ("
              + queue
              + ")");
    }
  }

  private static int positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }

  private static String positiveMillis(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero() || duration.toMillis() == 0) {
      throw new IllegalArgumentException(
          name + " must be at least 1 ms, was " + duration.toMillis() + " ms");
    }
    return duration.toMillis() + "ms";
  }
}
