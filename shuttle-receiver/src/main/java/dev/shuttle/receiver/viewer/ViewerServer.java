package dev.shuttle.receiver.viewer;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.receiver.internal.AllowedHosts;
import dev.shuttle.receiver.internal.SlowHeaderReaper;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The web viewer of a {@link TelemetryStore}: a page (from the jar, no CDN) that lists the traces,
 * draws each as a waterfall with its critical path, parallelism, queue waits and lanes of workers,
 * and charts the metrics; updated live as telemetry arrives. Its JSON API is described in {@code
 * docs/viewer-api.md}, what it shows in {@code docs/viewer.md}.
 *
 * {@snippet :
 * try (OtlpReceiver receiver = OtlpReceiver.start(ReceiverConfig.defaults());
 *     ViewerServer viewer = ViewerServer.start(receiver.store(), ViewerConfig.defaults())) {
 *   System.out.println("Viewer on " + viewer.url()); // http://127.0.0.1:16686
 *   // ...
 * }
 * }
 *
 * <p>It serves OTLP's threat model: by default it binds 127.0.0.1, answers only a loopback {@code
 * Host} (against DNS rebinding), sends no CORS headers, and every answer carries a
 * Content-Security-Policy that forbids inline script; everything in the store came from the
 * network, so the page shows it as text only. Jetty 12.1 serves it on virtual threads with the
 * receiver's header and idle timeouts.
 *
 * <p>Implementation note: {@code lock} guards {@code running}; {@link #stop} holds it while it ends
 * the event streams and stops the server, so two stops never overlap. The server, connector, reaper
 * and hub are created once, in {@link #start}, and never replaced.
 *
 * <p>Thread-safety: all methods are safe to call from any thread.
 */
public final class ViewerServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ViewerServer.class.getName());
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");

  /** The most event streams open at once; more get 503 and poll. */
  static final int MAX_EVENT_STREAMS = 32;

  /** How long {@link #stop} waits for the event streams to end cleanly. */
  private static final Duration STREAMS_END = Duration.ofSeconds(1);

  private final TelemetryStore store;
  private final ViewerConfig config;
  private final Server server;
  private final ServerConnector connector;
  private final SlowHeaderReaper reaper;
  private final EventHub hub;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private boolean running;

  private ViewerServer(TelemetryStore store, ViewerConfig config, InetAddress address) {
    this.store = store;
    this.config = config;
    this.hub = new EventHub(MAX_EVENT_STREAMS);
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("shuttle-viewer");
    threads.setVirtualThreadsExecutor(
        VirtualThreads.getNamedVirtualThreadsExecutor("shuttle-viewer-"));
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(address.getHostAddress());
    connector.setPort(config.port());
    connector.setAcceptQueueSize(config.serverOptions().backlog());
    connector.setIdleTimeout(config.serverOptions().idleTimeout().toMillis());
    server.addConnector(connector);
    ViewerHandler handler =
        new ViewerHandler(
            AllowedHosts.forBindAddress(config.bindAddress(), address),
            new ViewerApi(store),
            new StaticAssets(ViewerServer.class.getClassLoader()),
            hub,
            config.serverOptions().idleTimeout());
    server.setHandler(new GracefulHandler(handler));
    server.setErrorHandler(new ViewerHandler.StatusErrorHandler());
    reaper = new SlowHeaderReaper(connector, config.serverOptions().headerTimeout());
  }

  /**
   * Starts serving the viewer of {@code store}, told live of what arrives at it.
   *
   * @param store the store to show
   * @param config port, bind address and protections
   * @return the running viewer
   * @throws IOException if the address cannot be resolved or the port cannot be bound (then nothing
   *     stays bound)
   */
  public static ViewerServer start(TelemetryStore store, ViewerConfig config) throws IOException {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(config, "config");
    InetAddress address = InetAddress.getByName(config.bindAddress());
    ViewerServer viewer = new ViewerServer(store, config, address);
    viewer.lock.lock();
    try {
      viewer.server.start();
      viewer.running = true;
    } catch (Exception e) {
      viewer.stopServer();
      Throwable cause = e;
      for (int depth = 0; depth < 8 && cause.getCause() != null; depth++) {
        cause = cause.getCause();
      }
      throw new IOException(
          "cannot listen on "
              + config.bindAddress()
              + ":"
              + config.port()
              + ": "
              + cause.getMessage(),
          e);
    } finally {
      viewer.lock.unlock();
    }
    viewer.reaper.start();
    store.addListener(viewer.hub); // as a RunningListener too
    store.addMetricListener(viewer.hub);
    return viewer;
  }

  /**
   * Returns the bound port, which is how to learn an ephemeral one.
   *
   * @return the port
   */
  public int port() {
    return connector.getLocalPort();
  }

  /**
   * Returns the viewer's address for a browser, such as {@code http://127.0.0.1:16686}; a wildcard
   * bind address ({@code 0.0.0.0}, {@code ::}) is shown as {@code 127.0.0.1}.
   *
   * @return the URL, without a trailing slash
   */
  public String url() {
    return "http://" + host() + ":" + port();
  }

  /**
   * Returns the address of one trace's page, such as {@code
   * http://127.0.0.1:16686/trace/5b8efff798038103d269b633813fc60c}.
   *
   * @param traceId the trace id, 32 hex digits
   * @return the URL
   * @throws IllegalArgumentException if the id is not 32 hex digits
   */
  public String traceUrl(String traceId) {
    Objects.requireNonNull(traceId, "traceId");
    if (!TRACE_ID.matcher(traceId).matches()) {
      throw new IllegalArgumentException("a trace id is 32 hex digits, was '" + traceId + "'");
    }
    return url() + "/trace/" + traceId.toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the store this viewer shows.
   *
   * @return the store
   */
  public TelemetryStore store() {
    return store;
  }

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  public ViewerConfig config() {
    return config;
  }

  /**
   * Returns whether the viewer is serving.
   *
   * @return true until stopped
   */
  public boolean isRunning() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops serving: ends the event streams cleanly (each browser's stream sees its end, and the page
   * falls back to polling), lets other requests in flight finish for up to {@code grace}, then
   * closes every connection and releases the port. Does nothing if stopped.
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
      if (!running) {
        return;
      }
      running = false;
      store.removeListener(hub);
      store.removeMetricListener(hub);
      hub.close();
      hub.awaitNoSubscribers(STREAMS_END); // each stream writes its end, then unregisters
      reaper.stop();
      server.setStopTimeout(Math.max(0, grace.toMillis()));
      stopServer();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reaper.stop();
      server.setStopTimeout(0);
      stopServer();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the viewer after ending its event streams, as {@link #stop(Duration)} with no grace. */
  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  private void stopServer() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "the viewer's server did not stop cleanly", e);
    }
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
    return "ViewerServer{" + config.bindAddress() + ":" + port() + ", running=" + isRunning() + "}";
  }
}
