package dev.shuttle.receiver.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.TelemetryStore;
import java.io.IOException;

/** Starts viewers on an ephemeral port for the HTTP tests, and reads their answers. */
final class Viewers {
  private Viewers() {}

  /** A viewer of {@code store} on 127.0.0.1 and an ephemeral port. */
  static ViewerServer start(TelemetryStore store) throws IOException {
    return ViewerServer.start(store, ViewerConfig.builder().port(0).build());
  }

  /** {@code GET path} with an allowed {@code Host}. */
  static RawHttp.Response get(ViewerServer viewer, String path) throws IOException {
    return RawHttp.get(viewer.port(), path);
  }

  /** The JSON object of an answer, after checking that it is JSON. */
  static JsonObject json(RawHttp.Response response) {
    assertThat(response.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    return JsonParser.parseString(response.bodyText()).getAsJsonObject();
  }

  /** {@code GET path}, expected to answer 200 with JSON. */
  static JsonObject getJson(ViewerServer viewer, String path) throws IOException {
    RawHttp.Response response = get(viewer, path);
    assertThat(response.status()).as("%s: %s", path, response.bodyText()).isEqualTo(200);
    return json(response);
  }

  /** Asserts the headers every answer carries. */
  static void assertSecured(RawHttp.Response response) {
    assertThat(response.header("Content-Security-Policy")).isEqualTo(ViewerHandler.CSP);
    assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(response.headers().keySet())
        .noneMatch(name -> name.startsWith("access-control-"))
        .doesNotContain("server", "x-powered-by");
  }
}
