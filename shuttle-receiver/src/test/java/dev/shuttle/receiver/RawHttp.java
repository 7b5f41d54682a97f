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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A deliberately small HTTP/1.1 client on a plain socket, for tests that need what {@code
 * java.net.http.HttpClient} hides: any request line (paths that {@code java.net.URI} would refuse
 * or normalise, such as {@code /assets/../x}), any {@code Host} header, a {@code Content-Length}
 * with no body, {@code Expect: 100-continue} and interim responses, bodies sent while the response
 * is read, chunked bodies and event streams, and whether the server closed the connection. Public
 * for the tests of {@code dev.shuttle.receiver.viewer}.
 *
 * <p>Thread-safety: the static methods are safe to call from any thread; a {@link Response} is
 * immutable; a {@link Chunked} stream is for one thread.
 */
public final class RawHttp {
  private RawHttp() {}

  /** A response: status, headers (lower-case names), body, and the interim statuses before it. */
  public record Response(
      int status,
      Map<String, String> headers,
      ByteString body,
      String interim,
      boolean writeFailed) {
    /**
     * Returns a header's value (repeated headers joined by {@code ", "}).
     *
     * @param name the header's name, in any case
     * @return its value, or null if absent
     */
    public @Nullable String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Returns the body as UTF-8 text.
     *
     * @return the text
     */
    public String bodyText() {
      return body.toStringUtf8();
    }
  }

  /**
   * Sends one request with {@code Connection: close} to 127.0.0.1 and reads the whole answer (a
   * body framed by length, chunks or the end of the connection; none for {@code HEAD}).
   *
   * @param port the server port on 127.0.0.1
   * @param method the method
   * @param path the request target, sent as is
   * @param host the {@code Host} header, or null to send none
   * @param headers more headers: name, value, name, value...
   * @return the response
   * @throws IOException if the connection fails before a full response
   */
  public static Response request(
      int port, String method, String path, @Nullable String host, String... headers)
      throws IOException {
    List<String> all = new ArrayList<>();
    if (host != null) {
      all.add("Host");
      all.add(host);
    }
    all.addAll(List.of(headers));
    all.add("Connection");
    all.add("close");
    try (Socket socket = open(port)) {
      socket.getOutputStream().write(head(method, path, all.toArray(String[]::new)));
      socket.getOutputStream().flush();
      return read(socket.getInputStream(), method.equals("HEAD"), true);
    }
  }

  /**
   * Sends {@code GET path} with the {@code Host} {@code 127.0.0.1:port}, as {@link #request}.
   *
   * @param port the server port on 127.0.0.1
   * @param path the request target, sent as is
   * @return the response
   * @throws IOException if the connection fails before a full response
   */
  public static Response get(int port, String path) throws IOException {
    return request(port, "GET", path, "127.0.0.1:" + port);
  }

  /**
   * Connects to 127.0.0.1 with a 20 s read timeout.
   *
   * @param port the server port
   * @return the connected socket
   * @throws IOException if it cannot connect
   */
  public static Socket open(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  /**
   * Builds a request head: request line, the given headers (name, value pairs), blank line.
   *
   * @param method the method
   * @param path the path
   * @param headers name, value, name, value...
   * @return the head's bytes
   */
  public static byte[] head(String method, String path, String... headers) {
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
  public static Response exchange(int port, byte[] head, byte[] body, Duration timeout)
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
  public static Response read(InputStream in) throws IOException {
    return read(in, false, false);
  }

  /**
   * Reads one final response (skipping and recording 1xx interim responses).
   *
   * @param in the connection's input
   * @param head whether the request was {@code HEAD} (then no body is read)
   * @param toEnd whether a body framed neither by length nor by chunks runs to the end of the
   *     connection (else it is taken as empty)
   * @return the response
   * @throws IOException if the connection ends or times out before a full response
   */
  public static Response read(InputStream in, boolean head, boolean toEnd) throws IOException {
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
      ByteString body;
      if (head) {
        body = ByteString.EMPTY;
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        body = ByteString.readFrom(new Chunked(in));
      } else if (length != null) {
        body = ByteString.copyFrom(in.readNBytes(Integer.parseInt(length)));
      } else {
        body = toEnd ? ByteString.readFrom(in) : ByteString.EMPTY;
      }
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
  public static int readHead(InputStream in) throws IOException {
    return readHead(in, new LinkedHashMap<>());
  }

  /**
   * Reads one response head into {@code headers} (lower-case names) and returns its status, leaving
   * any body unread: for event streams.
   *
   * @param in the connection's input
   * @param headers filled with the head's headers
   * @return the status
   * @throws IOException if the connection ends first
   */
  public static int readHead(InputStream in, Map<String, String> headers) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.merge(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim(),
          (a, b) -> a + ", " + b);
    }
    return Integer.parseInt(statusLine.split(" ", 3)[1]);
  }

  /**
   * The decoded body of a chunked response, as a stream that ends at the terminating chunk.
   *
   * <p>Thread-safety: not thread-safe; read it from one thread.
   */
  @SuppressWarnings("InputStreamSlowMultibyteRead") // tests read a few events byte by byte
  public static final class Chunked extends InputStream {
    private final InputStream in;
    private int left;
    private boolean ended;

    /**
     * Decodes the chunks read from {@code in}.
     *
     * @param in the connection's input, positioned after the response head
     */
    public Chunked(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      if (ended) {
        return -1;
      }
      if (left == 0) {
        String size = line(in);
        if (size != null && size.isEmpty()) { // the CRLF after a chunk
          size = line(in);
        }
        if (size == null) {
          throw new IOException("the connection closed inside the chunked body");
        }
        int semicolon = size.indexOf(';');
        left = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        if (left == 0) {
          for (String trailer = line(in); trailer != null && !trailer.isEmpty(); ) {
            trailer = line(in);
          }
          ended = true;
          return -1;
        }
      }
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection closed inside a chunk");
      }
      left--;
      return b;
    }

    /**
     * Returns whether the terminating chunk arrived: the server ended the body cleanly.
     *
     * @return true once the body ended
     */
    public boolean ended() {
      return ended;
    }
  }

  /**
   * Waits until the server closes the connection (end of stream or reset), reading and discarding
   * whatever arrives.
   *
   * @param in the connection's input, with a read timeout set on its socket
   * @return true if the server closed it, false if the read timed out first
   */
  public static boolean closedByServer(InputStream in) {
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

  /**
   * Reads a line ending in LF (CR dropped) as ISO-8859-1, or null at the end of the stream.
   *
   * @param in the input
   * @return the line, or null
   * @throws IOException if reading fails
   */
  public static @Nullable String line(InputStream in) throws IOException {
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
