package dev.shuttle.demo.scenario;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@code nats-server} with JetStream that the distributed scenario starts for itself: on a free
 * 127.0.0.1 port, storing in a temporary directory that {@link #close()} deletes. Not thread-safe;
 * one scenario run owns it.
 */
final class NatsServerProcess implements AutoCloseable {
  static final String MISSING =
      "the distributed scenario needs nats-server, which is not on the PATH (nor in /usr/sbin):"
          + " install it with `apt-get install nats-server` (Debian/Ubuntu) or from"
          + " https://nats.io/download";

  private static final long START_TIMEOUT_SECONDS = 15;

  /** The line nats-server logs once it accepts clients. */
  private static final String READY = "Server is ready";

  private final Process process;
  private final Path store;
  private final int port;

  private NatsServerProcess(Process process, Path store, int port) {
    this.process = process;
    this.store = store;
    this.port = port;
  }

  /** Returns the {@code nats-server} on the PATH, or in /usr/sbin, if there is one. */
  static Optional<Path> find() {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      Pattern.compile(Pattern.quote(File.pathSeparator))
          .splitAsStream(path)
          .filter(dir -> !dir.isEmpty())
          .forEach(dir -> dirs.add(Path.of(dir)));
    }
    dirs.add(Path.of("/usr/sbin"));
    return dirs.stream()
        .map(dir -> dir.resolve("nats-server"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * Starts {@code nats-server -js} and returns once it logs that it is ready (it listens by then).
   *
   * @throws IllegalStateException if there is no nats-server, or it exits or is not ready in 15 s
   */
  static NatsServerProcess start() throws IOException, InterruptedException {
    Path executable = find().orElseThrow(() -> new IllegalStateException(MISSING));
    Path store = Files.createTempDirectory("shuttle-demo-nats-");
    int port = freePort();
    Process process =
        new ProcessBuilder(
                executable.toString(),
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-sd",
                store.resolve("jetstream").toString())
            .redirectErrorStream(true)
            .start();
    NatsServerProcess server = new NatsServerProcess(process, store, port);
    try {
      server.awaitReady();
      return server;
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  /**
   * Reads the server's log until it says it is ready (after it listens), then keeps reading it so
   * that the server never blocks on a full pipe; fails with the log if the server exits first.
   */
  private void awaitReady() throws InterruptedException {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Queue<String> log = new ConcurrentLinkedQueue<>();
    Thread.ofVirtual()
        .name("shuttle-demo-nats-server-log")
        .start(
            () -> {
              try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (!ready.isDone()) {
                    log.add(line);
                    if (line.endsWith(READY)) {
                      ready.complete(null);
                    }
                  }
                }
              } catch (IOException ended) {
                // the process is gone: said below
              }
              ready.completeExceptionally(
                  new IllegalStateException("nats-server exited: " + String.join("\n", log)));
            });
    try {
      ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (IllegalStateException) e.getCause();
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "nats-server was not ready in "
              + START_TIMEOUT_SECONDS
              + " s: "
              + String.join("\n", log));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try (Stream<Path> files = Files.walk(store)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + store, e);
    }
  }
}
