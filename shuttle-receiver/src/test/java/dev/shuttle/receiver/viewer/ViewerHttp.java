package dev.shuttle.receiver.viewer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A small HTTP/1.1 client on a plain socket for the viewer's tests: any request line (paths that
 * {@code java.net.URI} would refuse or normalise, such as {@code /assets/../x}), any {@code Host},
 * and the raw bytes of the answer.
 *
 * <p>Thread-safety: the static methods are safe to call from any thread.
 */
final class ViewerHttp {
  private ViewerHttp() {}

  /** An answer: status, headers (lower-case names), body. */
  @SuppressWarnings("ArrayRecordComponent") // a test's view of one answer, never compared or hashed
  record Response(int status, Map<String, String> headers, byte[] body) {
    @Nullable String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonObject json() {
      return JsonParser.parseString(text()).getAsJsonObject();
    }
  }

  static Response get(int port, String path) throws IOException {
    return request(port, "GET", path, "127.0.0.1:" + port);
  }

  /** Sends one request with {@code Connection: close} and reads the whole answer. */
  static Response request(int port, String method, String path, @Nullable String host)
      throws IOException {
    try (Socket socket = open(port)) {
      StringBuilder head =
          new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
      if (host != null) {
        head.append("Host: ").append(host).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      String status = line(in);
      if (status == null) {
        throw new IOException("no answer");
      }
      Map<String, String> headers = headers(in);
      byte[] body;
      if (method.equals("HEAD")) {
        body = new byte[0];
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        body = chunked(in);
      } else if (headers.containsKey("content-length")) {
        body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
      } else {
        body = in.readAllBytes();
      }
      return new Response(Integer.parseInt(status.split(" ", 3)[1]), headers, body);
    }
  }

  static Socket open(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  /** Reads a response head; returns the status line and fills {@code headers}. */
  static String head(InputStream in, Map<String, String> headers) throws IOException {
    String status = line(in);
    if (status == null) {
      throw new IOException("no answer");
    }
    headers.putAll(headers(in));
    return status;
  }

  private static Map<String, String> headers(InputStream in) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.merge(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim(),
          (a, b) -> a + ", " + b);
    }
    return headers;
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      if (size == null) {
        throw new IOException("the chunked body ended early");
      }
      int length = Integer.parseInt(size.trim(), 16);
      if (length == 0) {
        line(in);
        return body.toByteArray();
      }
      body.write(in.readNBytes(length));
      line(in);
    }
  }

  /** Reads a line ending in LF (CR dropped), or null at the end of the stream. */
  static @Nullable String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  /** The decoded body of a chunked response, as a stream. */
  @SuppressWarnings("InputStreamSlowMultibyteRead") // tests read a few events byte by byte
  static final class Chunked extends InputStream {
    private final InputStream in;
    private int left;
    private boolean ended;

    Chunked(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      if (ended) {
        return -1;
      }
      if (left == 0) {
        String size = line(in);
        if (size == null) {
          throw new IOException("the connection closed inside the chunked body");
        }
        if (size.isEmpty()) { // the CRLF after a chunk
          size = line(in);
          if (size == null) {
            throw new IOException("the connection closed inside the chunked body");
          }
        }
        left = Integer.parseInt(size.trim(), 16);
        if (left == 0) {
          line(in); // the empty trailer
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

    /** Whether the terminating chunk arrived: the server ended the body cleanly. */
    boolean ended() {
      return ended;
    }
  }

  /** Writes a request head for an event stream. */
  static void requestEvents(OutputStream out, int port) throws IOException {
    out.write(
        ("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }
}
