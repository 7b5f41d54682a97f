package dev.shuttle.receiver;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.receiver.internal.AllowedHosts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * An embedded OTLP receiver: OTLP/HTTP ({@code /v1/traces}, {@code /v1/metrics}, {@code /v1/logs},
 * protobuf or JSON, optionally gzip) and OTLP/gRPC, both feeding one bounded {@link
 * TelemetryStore}.
 *
 * {@snippet :
 * try (OtlpReceiver receiver =
 *     OtlpReceiver.start(ReceiverConfig.builder().httpPort(0).grpcPort(0).build())) {
 *   // point an exporter at receiver.httpEndpoint() or receiver.grpcEndpoint()
 *   receiver.store().awaitSpans(1, Duration.ofSeconds(5));
 * }
 * }
 *
 * <p>A receiver can be stopped and started again; it keeps its store, and binds the configured
 * ports again (a new ephemeral port each time if the configured port is 0).
 *
 * <p>Implementation note: {@code lock} guards the two server fields; start and stop hold it for
 * their whole duration, so they never overlap, and port queries see either both servers or none.
 * Requests themselves never take this lock.
 *
 * <p>Thread-safety: all methods are safe to call from any thread.
 */
public final class OtlpReceiver implements AutoCloseable {
  private final ReceiverConfig config;
  private final TelemetryStore store;
  private final DecodeBudget budget;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private @Nullable HttpReceiver http;

  @GuardedBy("lock")
  private @Nullable GrpcReceiver grpc;

  private OtlpReceiver(ReceiverConfig config) {
    this.config = config;
    this.store = TelemetryStore.create(config.storeLimits());
    this.budget = new DecodeBudget(config.serverOptions().decodeBudgetBytes());
  }

  /**
   * Creates a receiver that is not yet listening; call {@link #start()}.
   *
   * @param config the configuration
   * @return a stopped receiver
   */
  public static OtlpReceiver create(ReceiverConfig config) {
    return new OtlpReceiver(Objects.requireNonNull(config, "config"));
  }

  /**
   * Creates a receiver and starts listening.
   *
   * @param config the configuration
   * @return a running receiver
   * @throws IOException if a port cannot be bound ({@link ReceiverBindException} names it)
   */
  public static OtlpReceiver start(ReceiverConfig config) throws IOException {
    return create(config).start();
  }

  /**
   * Binds the configured ports and starts serving.
   *
   * @return this receiver
   * @throws ReceiverBindException if a port cannot be bound, naming the server and the port (then
   *     nothing stays bound)
   * @throws IOException if the bind address cannot be resolved
   * @throws IllegalStateException if the receiver is already running
   */
  public OtlpReceiver start() throws IOException {
    lock.lock();
    try {
      if (http != null || grpc != null) {
        throw new IllegalStateException("receiver is already running; stop it before starting");
      }
      InetAddress address = InetAddress.getByName(config.bindAddress());
      HttpReceiver newHttp = null;
      try {
        if (config.httpPort() != ReceiverConfig.DISABLED) {
          try {
            newHttp =
                new HttpReceiver(
                    new InetSocketAddress(address, config.httpPort()),
                    AllowedHosts.forBindAddress(config.bindAddress(), address),
                    config.maxBodyBytes(),
                    config.serverOptions(),
                    budget,
                    store);
          } catch (IOException e) {
            throw new ReceiverBindException(
                ReceiverBindException.HTTP, config.bindAddress(), config.httpPort(), e);
          }
        }
        if (config.grpcPort() != ReceiverConfig.DISABLED) {
          try {
            grpc =
                new GrpcReceiver(
                    new InetSocketAddress(address, config.grpcPort()),
                    config.maxBodyBytes(),
                    budget,
                    store);
          } catch (IOException e) {
            throw new ReceiverBindException(
                ReceiverBindException.GRPC, config.bindAddress(), config.grpcPort(), e);
          }
        }
      } catch (IOException | RuntimeException e) {
        if (newHttp != null) {
          newHttp.stop(Duration.ZERO);
        }
        throw e;
      }
      http = newHttp;
      return this;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops serving at once and releases the ports; requests in flight on OTLP/HTTP are cut off. The
   * store keeps its content. Does nothing if stopped.
   */
  public void stop() {
    stop(Duration.ZERO);
  }

  /**
   * Stops accepting requests, lets those in flight finish for up to {@code grace}, then stops
   * serving and releases the ports; the store keeps its content. Does nothing if stopped.
   *
   * <p>On OTLP/HTTP new connections are refused at once and requests on open connections get 503;
   * on OTLP/gRPC new calls are refused and calls in flight get {@code grace} too.
   *
   * @param grace how long requests in flight may take to finish; zero to cut them off
   */
  public void stop(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, was " + grace);
    }
    lock.lock();
    try {
      if (http != null) {
        http.stop(grace);
        http = null;
      }
      if (grpc != null) {
        grpc.stop(grace);
        grpc = null;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the receiver, as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Returns whether the receiver is serving.
   *
   * @return true between start and stop
   */
  public boolean isRunning() {
    lock.lock();
    try {
      return http != null || grpc != null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the bound OTLP/HTTP port.
   *
   * @return the port
   * @throws IllegalStateException if OTLP/HTTP is not running
   */
  public int httpPort() {
    lock.lock();
    try {
      if (http == null) {
        throw new IllegalStateException("OTLP/HTTP is not running (stopped or disabled)");
      }
      return http.port();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the bound OTLP/gRPC port.
   *
   * @return the port
   * @throws IllegalStateException if OTLP/gRPC is not running
   */
  public int grpcPort() {
    lock.lock();
    try {
      if (grpc == null) {
        throw new IllegalStateException("OTLP/gRPC is not running (stopped or disabled)");
      }
      return grpc.port();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the OTLP/HTTP base URL, such as {@code http://127.0.0.1:4318}, for {@code
   * OTEL_EXPORTER_OTLP_ENDPOINT} with protocol {@code http/protobuf}.
   *
   * @return the base URL
   * @throws IllegalStateException if OTLP/HTTP is not running
   */
  public String httpEndpoint() {
    return "http://" + host() + ":" + httpPort();
  }

  /**
   * Returns the OTLP/gRPC URL, such as {@code http://127.0.0.1:4317}, for {@code
   * OTEL_EXPORTER_OTLP_ENDPOINT} with protocol {@code grpc}.
   *
   * @return the URL
   * @throws IllegalStateException if OTLP/gRPC is not running
   */
  public String grpcEndpoint() {
    return "http://" + host() + ":" + grpcPort();
  }

  /**
   * Returns the store that holds what this receiver received.
   *
   * @return the store
   */
  public TelemetryStore store() {
    return store;
  }

  /** Returns the decode budget shared by the servers, for tests. */
  DecodeBudget decodeBudget() {
    return budget;
  }

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  public ReceiverConfig config() {
    return config;
  }

  private String host() {
    String host = config.bindAddress();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      return "127.0.0.1";
    }
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  @Override
  public String toString() {
    return "OtlpReceiver{" + config + ", running=" + isRunning() + "}";
  }
}
