package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.viewer.Viewers.assertSecured;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.TelemetryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The viewer against a hostile network and a hostile page in the browser: the headers of every
 * answer, methods, the {@code Host} check against DNS rebinding, cross-site requests, and requests
 * too large for the server.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewerSecurityTest {
  private static ViewerServer viewer;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    viewer = Viewers.start(TelemetryStore.create());
    port = viewer.port();
  }

  @AfterAll
  static void stop() {
    viewer.close();
  }

  private static String host() {
    return "127.0.0.1:" + port;
  }

  @ParameterizedTest
  @CsvSource({
    "GET, /, 200",
    "GET, /metrics, 200",
    "GET, /assets/app.js, 200",
    "GET, /assets/uplot/uPlot.min.css, 200",
    "GET, /api/traces, 200",
    "GET, /api/metrics, 200",
    "GET, /nothing-here, 404",
    "GET, /assets/nothing.js, 404",
    "GET, /api/nothing, 404",
    "GET, /api/traces/0af7651916cd43dd8448eb211c80319c, 404",
    "GET, /api/traces?limit=0, 400",
    "GET, /api/metrics/series, 400",
    "POST, /, 405",
    "POST, /api/traces, 405",
    "HEAD, /, 200",
    "HEAD, /api/traces, 200"
  })
  void everyAnswerCarriesTheSecurityHeaders(String method, String path, int status)
      throws Exception {
    // when
    RawHttp.Response response = RawHttp.request(port, method, path, host());

    // then
    assertThat(response.status()).as(response.bodyText()).isEqualTo(status);
    assertSecured(response);
    if (path.startsWith("/api/")) {
      assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    } else {
      assertThat(response.header("Cache-Control")).isNotEqualTo("no-store");
    }
  }

  @Test
  void aHostThatIsNotLoopbackIsForbiddenWithTheSecurityHeaders() throws Exception {
    // when: a DNS-rebinding page reads the API through its own name
    RawHttp.Response api = RawHttp.request(port, "GET", "/api/traces", "evil.example:" + port);
    RawHttp.Response page = RawHttp.request(port, "GET", "/", "evil.example");

    // then
    assertThat(api.status()).isEqualTo(403);
    assertSecured(api);
    assertThat(api.header("Cache-Control")).isEqualTo("no-store");
    assertThat(Viewers.json(api).get("error").getAsString())
        .contains("evil.example", "not allowed");
    assertThat(page.status()).isEqualTo(403);
    assertSecured(page);
    assertThat(page.header("Content-Type")).startsWith("text/plain");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "127.0.0.2",
        "[::1",
        "localhost:4318:1",
        "localhost:12a"
      })
  void theHostRulesAreTheReceivers(String host) throws Exception {
    // when
    RawHttp.Response response = RawHttp.request(port, "GET", "/api/traces", host);

    // then: the viewer's 403, or Jetty's 400 for a Host that is not even well formed
    assertThat(response.status()).isIn(400, 403);
    assertSecured(response);
  }

  @Test
  void aSecondHostCannotSmuggleAForeignName() throws Exception {
    // when: an allowed Host first, a foreign one after it
    RawHttp.Response response =
        RawHttp.request(port, "GET", "/api/traces", host(), "Host", "evil.example");

    // then
    assertThat(response.status()).isIn(400, 403);
    assertSecured(response);
  }

  @Test
  void anAbsoluteRequestTargetNamingAForeignHostIsNotAnswered() throws Exception {
    // when
    RawHttp.Response response =
        RawHttp.request(port, "GET", "http://evil.example/api/traces", host());

    // then: the request's authority is foreign, whatever the Host header says
    assertThat(response.status()).isIn(400, 403);
    assertSecured(response);
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "LocalHost:%d", "127.0.0.1:%d", "[::1]:%d", "[::1]"})
  void loopbackNamesAreAllowed(String host) throws Exception {
    assertThat(RawHttp.request(port, "GET", "/api/traces", host.formatted(port)).status())
        .isEqualTo(200);
  }

  @Test
  void aRequestWithoutHostIsRefused() throws Exception {
    // when
    RawHttp.Response response = RawHttp.request(port, "GET", "/api/traces", null);

    // then: Jetty's 400 or the viewer's 403, secured either way
    assertThat(response.status()).isIn(400, 403);
    assertSecured(response);
  }

  @Test
  void aHostileHostIsEchoedOnlyEscaped() throws Exception {
    // when
    RawHttp.Response response =
        RawHttp.request(port, "GET", "/api/traces", "<script>x</script>" + "a".repeat(500));

    // then
    assertThat(response.status()).isIn(400, 403);
    assertThat(response.bodyText()).doesNotContain("<script>").hasSizeLessThan(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"})
  void onlyGetAndHeadAreAnswered(String method) throws Exception {
    // when
    RawHttp.Response response = RawHttp.request(port, method, "/api/traces", host());

    // then
    assertThat(response.status()).isEqualTo(405);
    assertThat(response.header("Allow")).isEqualTo("GET, HEAD");
    assertSecured(response);
    assertThat(Viewers.json(response).get("error").getAsString()).contains(method);
  }

  @Test
  void headAnswersAsGetWithoutABody() throws Exception {
    // when
    RawHttp.Response get = RawHttp.get(port, "/");
    RawHttp.Response head = RawHttp.request(port, "HEAD", "/", host());

    // then
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
    assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length"));
    assertThat(get.body().size()).isPositive();
  }

  @ParameterizedTest
  @CsvSource({
    "/api/traces, Origin, http://evil.example",
    "/api/events, Origin, http://localhost:1",
    "/api/traces, Origin, null",
    "/api/traces, Sec-Fetch-Site, cross-site",
    "/api/traces/0af7651916cd43dd8448eb211c80319c, Sec-Fetch-Site, same-site",
    "/assets/app.js, Sec-Fetch-Site, cross-site"
  })
  void anotherSitesPageCannotMakeTheViewerWork(String path, String header, String value)
      throws Exception {
    // given: a page elsewhere (also on another localhost port) fetches from the viewer; the
    // browser would not let it read the answer, but the viewer would still do the work, and an
    // event stream would hold a slot until its next write
    // when
    RawHttp.Response response = RawHttp.request(port, "GET", path, host(), header, value);

    // then
    assertThat(response.status()).isEqualTo(403);
    assertSecured(response);
    assertThat(response.bodyText()).contains("another site");
  }

  @ParameterizedTest
  @CsvSource({
    "/api/traces, Origin, http://127.0.0.1:PORT",
    "/api/traces, Sec-Fetch-Site, same-origin",
    "/, Sec-Fetch-Site, none",
    "/trace/0af7651916cd43dd8448eb211c80319c, Sec-Fetch-Site, cross-site"
  })
  void theViewersOwnRequestsAndLinksFromElsewhereAreAnswered(
      String path, String header, String value) throws Exception {
    // given: the page's own fetches, a typed address, and a link followed from another site
    String[] headers =
        path.startsWith("/trace/")
            ? new String[] {header, value, "Sec-Fetch-Mode", "navigate"}
            : new String[] {header, value.replace("PORT", String.valueOf(port))};

    // when
    RawHttp.Response response = RawHttp.request(port, "GET", path, host(), headers);

    // then
    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
  }

  @Test
  void aHugeQueryIsAnswered414AndTheServerKeepsServing() throws Exception {
    // when
    RawHttp.Response response =
        RawHttp.request(port, "GET", "/api/traces?name=" + "x".repeat(100_000), host());

    // then
    assertThat(response.status()).isEqualTo(414);
    assertSecured(response);
    assertThat(RawHttp.get(port, "/api/traces").status()).isEqualTo(200);
  }

  @Test
  void hugeHeadersAreAnswered431AndTheServerKeepsServing() throws Exception {
    // when
    RawHttp.Response response =
        RawHttp.request(port, "GET", "/api/traces", host(), "X-Big", "y".repeat(20_000));

    // then
    assertThat(response.status()).isEqualTo(431);
    assertSecured(response);
    assertThat(RawHttp.get(port, "/api/traces").status()).isEqualTo(200);
  }

  @Test
  void aLongQueryValueWithinTheLineLimitIsA400ThatSaysWhy() throws Exception {
    // when
    RawHttp.Response response = RawHttp.get(port, "/api/traces?name=" + "x".repeat(2000));

    // then
    assertThat(response.status()).isEqualTo(400);
    assertThat(Viewers.json(response).get("error").getAsString())
        .contains("name", "longer than 1024");
  }
}
