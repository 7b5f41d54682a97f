package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A deliberately small HTTP/1.1 client on a plain socket, for tests that need what {@code
 * java.net.http.HttpClient} hides: any {@code Host} header, a {@code Content-Length} with no body,
 * {@code Expect: 100-continue} and interim responses, bodies sent while the response is read, and
 * whether the server closed the connection.
 *
 * <p>Thread-safety: the static methods are safe to call from any thread; a {@link Response} is
 * immutable.
 */
final class RawHttp {
  private RawHttp() {}

  /** A response: status, headers (lower-case names), body, and the interim statuses before it. */
  record Response(
      int status,
      Map<String, String> headers,
      ByteString body,
      String interim,
      boolean writeFailed) {
    @Nullable String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String bodyText() {
      return body.toStringUtf8();
    }
  }

  /**
   * Builds a request head: request line, the given headers (name, value pairs), blank line.
   *
   * @param method the method
   * @param path the path
   * @param headers name, value, name, value...
   * @return the head's bytes
   */
  static byte[] head(String method, String path, String... headers) {
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Sends {@code head} then {@code body} on a new connection (the body from another thread, so that
   * an early response is read while it is sent) and reads one final response.
   *
   * @param port the server port on 127.0.0.1
   * @param head the request head
   * @param body the body, possibly empty
   * @param timeout the socket read timeout
   * @return the response
   * @throws IOException if the connection fails before a status line arrives
   */
  static Response exchange(int port, byte[] head, byte[] body, Duration timeout)
      throws IOException, InterruptedException {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(head);
      out.flush();
      boolean[] writeFailed = {false};
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int off = 0; off < body.length; off += 64 * 1024) {
                        out.write(body, off, Math.min(64 * 1024, body.length - off));
                      }
                      out.flush();
                    } catch (IOException e) {
                      writeFailed[0] = true;
                    }
                  });
      try {
        Response response = read(socket.getInputStream());
        writer.join(timeout.toMillis());
        return new Response(
            response.status(),
            response.headers(),
            response.body(),
            response.interim(),
            writeFailed[0]);
      } finally {
        writer.interrupt();
      }
    }
  }

  /**
   * Reads one final response (skipping and recording 1xx interim responses).
   *
   * @param in the connection's input
   * @return the response
   * @throws IOException if the connection ends or times out before a full response
   */
  static Response read(InputStream in) throws IOException {
    StringBuilder interim = new StringBuilder();
    while (true) {
      String statusLine = line(in);
      if (statusLine == null) {
        throw new IOException("connection closed before a response");
      }
      String[] parts = statusLine.split(" ", 3);
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
        int colon = line.indexOf(':');
        headers.merge(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
      if (status >= 100 && status < 200) {
        interim.append(status).append(' ');
        continue;
      }
      String length = headers.get("content-length");
      ByteString body =
          length == null
              ? ByteString.EMPTY
              : ByteString.copyFrom(in.readNBytes(Integer.parseInt(length)));
      return new Response(status, headers, body, interim.toString().trim(), false);
    }
  }

  /**
   * Reads one response head (status line and headers) and returns its status, leaving any body
   * unread: for interim responses such as {@code 100 Continue}.
   *
   * @param in the connection's input
   * @return the status
   * @throws IOException if the connection ends first
   */
  static int readHead(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      // skip headers
    }
    return Integer.parseInt(statusLine.split(" ", 3)[1]);
  }

  /**
   * Waits until the server closes the connection (end of stream or reset), reading and discarding
   * whatever arrives.
   *
   * @param in the connection's input, with a read timeout set on its socket
   * @return true if the server closed it, false if the read timed out first
   */
  static boolean closedByServer(InputStream in) {
    try {
      while (in.read() >= 0) {
        // discard
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private static @Nullable String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
