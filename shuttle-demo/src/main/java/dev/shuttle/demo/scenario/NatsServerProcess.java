package dev.shuttle.demo.scenario;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

  private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

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
   * Starts {@code nats-server -js} and returns once it accepts connections.
   *
   * @throws IllegalStateException if there is no nats-server, or it exits or does not answer
   */
  static NatsServerProcess start() throws IOException, InterruptedException {
    Path executable = find().orElseThrow(() -> new IllegalStateException(MISSING));
    Path store = Files.createTempDirectory("shuttle-demo-nats-");
    int port = freePort();
    Path log = store.resolve("nats-server.log");
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
            .redirectOutput(log.toFile())
            .start();
    NatsServerProcess server = new NatsServerProcess(process, store, port);
    try {
      server.awaitAnswer(log);
      return server;
    } catch (IOException | RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  private void awaitAnswer(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "nats-server exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("nats-server did not answer on port " + port + " in 15 s");
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
