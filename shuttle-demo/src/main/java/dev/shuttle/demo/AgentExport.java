package dev.shuttle.demo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where the OpenTelemetry Java agent exports traces, read from the settings the agent reads: {@code
 * otel.*} system properties, then {@code OTEL_*} environment variables, then the file named by
 * {@code otel.javaagent.configuration-file}, with the agent 2.x defaults (OTLP over {@code
 * http/protobuf} to {@code http://localhost:4318}, a batch every 5 s).
 *
 * <p>Declarative configuration ({@code otel.experimental.config.file}) is not read: with it, the
 * demo may name the wrong endpoint.
 *
 * @param tracesExporters the traces exporters ({@code otel.traces.exporter}), lower case
 * @param protocol the OTLP protocol of the traces exporter, {@code http/protobuf} or {@code grpc}
 * @param tracesEndpoint the URL the OTLP traces exporter sends to, with {@code /v1/traces} for HTTP
 * @param scheduleDelay the time between two batch exports ({@code otel.bsp.schedule.delay})
 */
record AgentExport(
    List<String> tracesExporters, String protocol, String tracesEndpoint, Duration scheduleDelay) {
  static final String HTTP_PROTOBUF = "http/protobuf";
  static final String GRPC = "grpc";

  private static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofSeconds(5);
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

  AgentExport {
    tracesExporters = List.copyOf(tracesExporters);
  }

  /** The settings of this JVM's agent. */
  static AgentExport ofThisJvm() {
    Map<String, String> env = System.getenv();
    String file = System.getProperty("otel.javaagent.configuration-file");
    if (file == null) {
      file = env.get("OTEL_JAVAAGENT_CONFIGURATION_FILE");
    }
    Properties fromFile = new Properties();
    if (file != null) {
      try (InputStream in = Files.newInputStream(Path.of(file))) {
        fromFile.load(in);
      } catch (IOException | RuntimeException e) {
        // The agent itself reports an unreadable configuration file at start-up.
      }
    }
    return of(System::getProperty, env, fromFile::getProperty);
  }

  /**
   * The settings from {@code properties}, then {@code env}, then {@code file}; each lookup returns
   * null when the key is absent.
   */
  static AgentExport of(
      Function<String, @Nullable String> properties,
      Map<String, String> env,
      Function<String, @Nullable String> file) {
    Function<String, @Nullable String> setting =
        key -> {
          String value = properties.apply(key);
          if (value == null) {
            value = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
          }
          if (value == null) {
            value = file.apply(key);
          }
          return value == null || value.isBlank() ? null : value.trim();
        };
    List<String> exporters =
        Arrays.stream(orDefault(setting.apply("otel.traces.exporter"), "otlp").split(","))
            .map(s -> s.trim().toLowerCase(Locale.ROOT))
            .filter(s -> !s.isEmpty())
            .toList();
    String protocol =
        orDefault(
                first(
                    setting.apply("otel.exporter.otlp.traces.protocol"),
                    setting.apply("otel.exporter.otlp.protocol")),
                HTTP_PROTOBUF)
            .toLowerCase(Locale.ROOT);
    String endpoint = setting.apply("otel.exporter.otlp.traces.endpoint");
    if (endpoint == null) {
      String base = setting.apply("otel.exporter.otlp.endpoint");
      if (protocol.equals(GRPC)) {
        endpoint = orDefault(base, "http://localhost:4317");
      } else {
        base = orDefault(base, "http://localhost:4318");
        endpoint = (base.endsWith("/") ? base : base + "/") + "v1/traces";
      }
    }
    return new AgentExport(
        exporters, protocol, endpoint, duration(setting.apply("otel.bsp.schedule.delay")));
  }

  /** Whether the agent drops every span: its only traces exporter is {@code none}. */
  boolean dropsTraces() {
    return tracesExporters.isEmpty() || tracesExporters.equals(List.of("none"));
  }

  /** Whether one of the traces exporters is OTLP. */
  boolean exportsOtlp() {
    return tracesExporters.contains("otlp");
  }

  /** Whether the OTLP traces exporter uses gRPC (else HTTP with protobuf bodies). */
  boolean grpc() {
    return protocol.equals(GRPC);
  }

  /**
   * The loopback host and port an embedded receiver must listen on to receive the agent's traces,
   * if the endpoint is a plain-HTTP loopback address with the path the receiver serves.
   */
  Optional<HostPort> loopbackReceiver() {
    URI uri;
    try {
      uri = new URI(tracesEndpoint);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String host = uri.getHost();
    if (!"http".equalsIgnoreCase(uri.getScheme())
        || host == null
        || !LOOPBACK_NAMES.contains(host.toLowerCase(Locale.ROOT))) {
      return Optional.empty();
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    boolean servedPath = grpc() ? path.isEmpty() || path.equals("/") : path.equals("/v1/traces");
    if (!servedPath) {
      return Optional.empty();
    }
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    String bind = host.equals("[::1]") ? "::1" : host;
    return Optional.of(new HostPort(bind, port));
  }

  /** A host to bind and a port. */
  record HostPort(String host, int port) {}

  /** A hint to make the demo faster, or empty if the agent already exports often. */
  Optional<String> speedHint() {
    return scheduleDelay.compareTo(Duration.ofSeconds(1)) > 0
        ? Optional.of(
            "The agent exports every "
                + scheduleDelay.toMillis()
                + " ms and the demo waits for each scenario's spans;"
                + " -Dotel.bsp.schedule.delay=200 makes it faster")
        : Optional.empty();
  }

  private static Duration duration(@Nullable String value) {
    if (value == null) {
      return DEFAULT_SCHEDULE_DELAY;
    }
    Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return DEFAULT_SCHEDULE_DELAY; // the agent refuses to start with an invalid duration
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2);
    return switch (unit == null ? "ms" : unit) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> Duration.ofMillis(amount);
    };
  }

  private static @Nullable String first(@Nullable String a, @Nullable String b) {
    return a != null ? a : b;
  }

  private static String orDefault(@Nullable String value, String fallback) {
    return value != null ? value : fallback;
  }
}
