package dev.shuttle.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 client on a raw socket, for requests no real client would send, and a strict reader
 * of the response: a status line, headers, and a body framed by {@code Content-Length}, chunked
 * encoding or the end of the connection. Interim {@code 1xx} responses are skipped.
 *
 * <p>Thread-safety: stateless; each call uses its own socket.
 */
final class RawHttp {
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})(?: .*)?");
  private static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final int MAX_BODY_BYTES = 1 << 20;

  private RawHttp() {}

  /**
   * A response, or none: {@code status} is 0 if the server closed the connection without answering.
   */
  record Response(int status, Map<String, String> headers, ByteString body) {
    static final Response CLOSED = new Response(0, Map.of(), ByteString.EMPTY);

    boolean closed() {
      return status == 0;
    }

    @Nullable String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String bodyText() {
      return body.toStringUtf8();
    }
  }

  /**
   * Sends raw request bytes to 127.0.0.1 and reads one response.
   *
   * @param port the server's port
   * @param request the bytes to send, as they are
   * @param halfClose whether to shut down the sending side after the request, so that a server
   *     waiting for more of a body sees its end instead of waiting
   * @param head whether the request was a HEAD request (its response has no body)
   * @param timeout how long the server may take to answer or close
   * @return the response, or {@link Response#CLOSED}
   * @throws AssertionError if the server hangs or answers with a malformed response
   */
  static Response exchange(
      int port, byte[] request, boolean halfClose, boolean head, Duration timeout)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.setSoLinger(true, 0); // close with a reset: no TIME_WAIT per fuzzed request
      socket.setSoTimeout((int) timeout.toMillis());
      socket.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
        if (halfClose) {
          socket.shutdownOutput();
        }
      } catch (SocketException e) {
        // the server may answer and close before reading all of a request (such as 413): read
      }
      return read(socket.getInputStream(), head);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither answered nor closed within " + timeout, e);
    }
  }

  private static Response read(InputStream in, boolean head) throws IOException {
    while (true) {
      String statusLine;
      try {
        statusLine = line(in, true);
      } catch (SocketException e) {
        return Response.CLOSED; // reset before a byte of response: a closed connection
      }
      if (statusLine == null) {
        return Response.CLOSED;
      }
      Matcher matcher = STATUS_LINE.matcher(statusLine);
      assertThat(matcher.matches()).as("status line %s", statusLine).isTrue();
      int status = Integer.parseInt(matcher.group(1));
      Map<String, String> headers = new LinkedHashMap<>();
      int headBytes = statusLine.length();
      for (String line = line(in, false); !line.isEmpty(); line = line(in, false)) {
        headBytes += line.length();
        assertThat(headBytes).as("response head size").isLessThan(MAX_HEAD_BYTES);
        int colon = line.indexOf(':');
        assertThat(colon).as("header line %s", line).isPositive();
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        assertThat(headers.putIfAbsent(name, value) == null || name.equals("set-cookie"))
            .as("header %s given twice", name)
            .isTrue();
      }
      if (status >= 100 && status < 200) {
        continue; // interim response, such as 100 Continue
      }
      byte[] body;
      if (head || status == 204 || status == 304) {
        body = new byte[0];
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        body = chunked(in);
      } else if (headers.containsKey("content-length")) {
        long length = Long.parseLong(headers.get("content-length"));
        assertThat(length).as("Content-Length").isBetween(0L, (long) MAX_BODY_BYTES);
        body = in.readNBytes((int) length);
        assertThat(body.length).as("body shorter than its Content-Length").isEqualTo(length);
      } else {
        body = in.readNBytes(MAX_BODY_BYTES); // delimited by the end of the connection
      }
      return new Response(status, headers, ByteString.copyFrom(body));
    }
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in, false);
      int semicolon = size.indexOf(';');
      int length =
          Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      assertThat(body.size() + length).as("chunked body size").isLessThan(MAX_BODY_BYTES);
      if (length == 0) {
        while (!line(in, false).isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes(length);
      assertThat(chunk.length).as("truncated chunk").isEqualTo(length);
      body.writeBytes(chunk);
      assertThat(line(in, false)).as("chunk end").isEmpty();
    }
  }

  /** Reads a CRLF-terminated line; null at a clean end of input if {@code endAllowed}. */
  private static String line(InputStream in, boolean endAllowed) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (endAllowed && line.size() == 0) {
          return null;
        }
        throw new AssertionError(
            "response cut off after: " + line.toString(StandardCharsets.ISO_8859_1));
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        assertThat(text).as("line ends with CRLF").endsWith("\r");
        return text.substring(0, text.length() - 1);
      }
      line.write(b);
      assertThat(line.size()).as("response line length").isLessThan(MAX_HEAD_BYTES);
    }
  }
}
