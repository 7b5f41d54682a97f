package dev.shuttle.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback endpoint that accepts every connection and closes it at once: the TCP check before the
 * demo passes, and every export to it fails.
 *
 * <p>Implementation note: one daemon thread accepts and closes until {@link #close} closes the
 * server socket, then ends; {@code close} joins it.
 */
final class RudeEndpoint implements AutoCloseable {
  private final ServerSocket socket;
  private final Thread closer;

  RudeEndpoint() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closer = Thread.ofPlatform().daemon().name("rude-endpoint").start(this::closeEveryConnection);
  }

  /** Its URL, {@code http://127.0.0.1:PORT}. */
  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  private void closeEveryConnection() {
    while (true) {
      try {
        socket.accept().close();
      } catch (IOException closedAtTheEnd) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    socket.close();
    closer.join();
  }
}
