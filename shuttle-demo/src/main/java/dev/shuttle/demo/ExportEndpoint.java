package dev.shuttle.demo;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * The OTLP endpoint the user named for {@code shuttle demo}, by {@code --endpoint} or by {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT}: read and checked before any scenario runs, so that a mistake costs
 * one line and exit code 2 rather than a run of failed exports.
 *
 * @param url the endpoint as given
 * @param source where it came from ({@code --endpoint} or the variable's name), for messages
 * @param host the host to connect to
 * @param port the port, the scheme's default if the URL names none
 */
record ExportEndpoint(String url, String source, String host, int port) {
  /** How long the check waits for a TCP connection. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Reads {@code url}, which came from {@code source}.
   *
   * @throws UserError if it is not an absolute {@code http://} or {@code https://} URL with a host
   */
  static ExportEndpoint parse(String url, String source) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw notAUrl(url, source, ": " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!url.contains("://")) {
      throw notAUrl(url, source, ": it needs a scheme, as in http://" + url.strip());
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw notAUrl(url, source, ": OTLP goes over http:// or https://");
    }
    if (uri.getHost() == null) {
      throw notAUrl(url, source, ": it names no host");
    }
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return new ExportEndpoint(url, source, uri.getHost(), port);
  }

  private static UserError notAUrl(String url, String source, String why) {
    String given =
        source.startsWith("--") ? source + " '" + url + "'" : source + " is '" + url + "', which";
    return new UserError(
        given
            + " is not an OTLP endpoint URL"
            + why
            + (why.contains(" as in ")
                ? ""
                : " (such as http://127.0.0.1:4317 for gRPC, http://127.0.0.1:4318 for HTTP)"));
  }

  /**
   * Connects to the endpoint over TCP and closes the connection at once: something must listen
   * there before the demo exports to it.
   *
   * @throws UserError if nothing answers within {@code timeout}, saying what to do
   */
  void checkAnswers(Duration timeout) {
    String problem;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis()));
      return;
    } catch (UnknownHostException e) {
      throw new UserError("cannot resolve the host '" + host + "' of " + url + "; check " + source);
    } catch (ConnectException e) {
      problem = "(" + String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT) + ")";
    } catch (SocketTimeoutException e) {
      problem = "(no answer within " + timeout.toMillis() + " ms)";
    } catch (IOException e) {
      problem = "(" + e.getMessage() + ")";
    }
    throw new UserError(
        "nothing answers at "
            + url
            + " "
            + problem
            + "; start a collector there, such as `./shuttle receiver` (OTLP on 4317 and 4318),"
            + " or check "
            + source);
  }
}
