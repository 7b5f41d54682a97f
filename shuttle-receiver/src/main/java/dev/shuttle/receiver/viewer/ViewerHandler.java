package dev.shuttle.receiver.viewer;

import com.google.gson.JsonObject;
import dev.shuttle.receiver.internal.AllowedHosts;
import dev.shuttle.receiver.internal.Excerpt;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Answers the viewer's requests ({@code docs/viewer-api.md}), each on a virtual thread: the page,
 * its assets, the JSON API and the event stream.
 *
 * <p>Every answer, errors included, carries the Content-Security-Policy {@link #CSP}, {@code
 * X-Content-Type-Options: nosniff} and {@code Referrer-Policy: no-referrer}; API answers also
 * {@code Cache-Control: no-store}. Only {@code GET} and {@code HEAD} are answered (else 405), only
 * for an allowed {@code Host} (else 403, against DNS rebinding), and no CORS header is ever sent,
 * so another site's page can neither read the API nor embed the viewer; its requests are refused
 * (403) by their {@code Origin} or fetch metadata ({@link CrossSite}). A page path that is not a
 * page ({@code /trace/} and anything but 32 hex digits) is a 404. Error messages quote request data
 * only as escaped {@link Excerpt}s and never name Java classes.
 *
 * <p>Thread-safety: Jetty calls it concurrently; it only touches thread-safe objects (the store
 * through {@link ViewerApi}, the assets, the event hub) and immutable fields.
 */
final class ViewerHandler extends Handler.Abstract {
  private static final System.Logger LOG = System.getLogger(ViewerHandler.class.getName());

  /** The Content-Security-Policy of every answer: no inline script, nothing from elsewhere. */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private static final String JSON = "application/json; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final Pattern PAGE_TRACE = Pattern.compile("/trace/[0-9a-fA-F]{32}");
  private static final Pattern API_TRACE = Pattern.compile("/api/traces/([^/]{1,128})");

  private final AllowedHosts hosts;
  private final ViewerApi api;
  private final StaticAssets assets;
  private final EventStreams events;

  ViewerHandler(
      AllowedHosts hosts, ViewerApi api, StaticAssets assets, EventHub hub, Duration idleTimeout) {
    this.hosts = hosts;
    this.api = api;
    this.assets = assets;
    this.events = new EventStreams(hub, idleTimeout);
  }

  /** Puts the headers every answer carries. */
  static void secure(HttpFields.Mutable headers) {
    headers.put("Content-Security-Policy", CSP);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    boolean apiPath = path != null && path.startsWith("/api/");
    try {
      secure(response.getHeaders());
      if (apiPath) {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      }
      exchange(request, response, callback, path == null ? "" : path);
    } catch (ApiException e) {
      try {
        error(response, callback, apiPath, e.status(), String.valueOf(e.getMessage()));
      } catch (Throwable t) {
        failed(response, callback, apiPath, t);
      }
    } catch (Throwable t) { // an Error too: the client gets an answer or a closed connection
      failed(response, callback, apiPath, t);
    }
    return true;
  }

  private void exchange(Request request, Response response, Callback callback, String path)
      throws ApiException, IOException {
    String host = request.getHeaders().get(HttpHeader.HOST);
    if (!hosts.allows(host)) {
      throw new ApiException(
          403,
          "Host "
              + (host == null ? "(none)" : "'" + Excerpt.of(host) + "'")
              + " is not allowed: this viewer answers localhost, 127.0.0.1 and [::1] only");
    }
    boolean page =
        path.equals("/")
            || path.equals("/metrics")
            || path.equals("/running")
            || PAGE_TRACE.matcher(path).matches();
    HttpFields fields = request.getHeaders();
    String refusal =
        CrossSite.refusal(
            host,
            fields.get(HttpHeader.ORIGIN),
            fields.get("Sec-Fetch-Site"),
            fields.get("Sec-Fetch-Mode"),
            page);
    if (refusal != null) {
      throw new ApiException(403, refusal);
    }
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      throw new ApiException(
          405, "method '" + Excerpt.of(method) + "' not allowed; the viewer answers GET and HEAD");
    }
    if (page) {
      StaticAssets.Asset index = assets.index();
      if (index == null) {
        throw new ApiException(404, "the viewer's page is missing from the jar");
      }
      send(response, callback, 200, index.contentType(), index.bytes().toByteArray(), "no-cache");
      return;
    }
    if (path.startsWith("/assets/")) {
      StaticAssets.Asset asset = assets.asset(path.substring("/assets/".length()));
      if (asset == null) {
        throw new ApiException(404, "not found");
      }
      send(response, callback, 200, asset.contentType(), asset.bytes().toByteArray(), "no-cache");
      return;
    }
    switch (path) {
      case "/api/traces" -> json(response, callback, api.traces(params(request)));
      case "/api/metrics" -> json(response, callback, api.metrics());
      case "/api/running" -> json(response, callback, api.running());
      case "/api/metrics/series" -> json(response, callback, api.series(params(request)));
      case "/api/events" -> events.stream(request, response, callback);
      default -> {
        var trace = API_TRACE.matcher(path);
        if (trace.matches()) {
          json(response, callback, api.trace(trace.group(1)));
        } else {
          throw new ApiException(
              404,
              path.startsWith("/api/")
                  ? "no API endpoint at '" + Excerpt.of(path) + "'; see docs/viewer-api.md"
                  : "not found");
        }
      }
    }
  }

  private static Params params(Request request) throws ApiException {
    Fields fields;
    try {
      fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      throw new ApiException(400, "malformed query string");
    }
    Map<String, List<String>> values = new HashMap<>();
    for (Fields.Field field : fields) {
      values.put(field.getName(), List.copyOf(field.getValues()));
    }
    return new Params(values);
  }

  private static void json(Response response, Callback callback, JsonObject document)
      throws IOException {
    send(response, callback, 200, JSON, Json.bytes(document), null);
  }

  private static void send(
      Response response,
      Callback callback,
      int status,
      String contentType,
      byte[] body,
      @org.jspecify.annotations.Nullable String cacheControl) {
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, contentType);
    if (cacheControl != null && !headers.contains(HttpHeader.CACHE_CONTROL)) {
      headers.put(HttpHeader.CACHE_CONTROL, cacheControl);
    }
    headers.put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static void error(
      Response response, Callback callback, boolean apiPath, int status, String message) {
    if (status == 503) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "2");
    }
    byte[] body =
        apiPath
            ? Json.bytes(Json.error(message))
            : (status + " " + HttpStatus.getMessage(status) + ": " + message + "\n")
                .getBytes(StandardCharsets.UTF_8);
    send(response, callback, status, apiPath ? JSON : TEXT, body, null);
  }

  private static void failed(Response response, Callback callback, boolean apiPath, Throwable t) {
    try {
      LOG.log(
          System.Logger.Level.WARNING,
          "viewer request failed: "
              + t
              + (t instanceof VirtualMachineError ? "" : "; stack trace follows"),
          t instanceof VirtualMachineError ? null : t);
    } catch (Throwable ignored) { // logging may fail too when memory is short
      // keep going: the answer matters more than the log
    }
    try {
      if (!response.isCommitted()) {
        response.reset();
        secure(response.getHeaders());
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        boolean transientFailure = t instanceof Error;
        if (transientFailure) {
          response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        String message =
            transientFailure ? "the viewer ran short of resources; retry later" : "internal error";
        int status = transientFailure ? 503 : 500;
        byte[] body =
            apiPath
                ? Json.bytes(Json.error(message))
                : (status + " " + message + "\n").getBytes(StandardCharsets.UTF_8);
        send(response, callback, status, apiPath ? JSON : TEXT, body, null);
        return;
      }
    } catch (Throwable again) { // still short of memory: close the connection instead
      // fall through
    }
    callback.failed(t);
  }

  /**
   * Jetty's answer to requests it rejects itself (a malformed request line, an ambiguous path,
   * headers too large): the status and its reason only, never the request's data, with the headers
   * every answer carries.
   */
  static final class StatusErrorHandler implements Request.Handler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status =
          request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer code ? code : 500;
      byte[] body =
          (status + " " + HttpStatus.getMessage(status) + "\n").getBytes(StandardCharsets.UTF_8);
      secure(response.getHeaders());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, TEXT);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }
  }
}
