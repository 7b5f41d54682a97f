package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.viewer.Viewers.assertSecured;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.TelemetryStore;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The page and its files over HTTP: the routes that serve {@code index.html}, content types, uPlot
 * from its webjar, and no way out of the assets folder. The probe files of the test class path
 * ({@code assets/viewer-test/}) are served as the page's own files are.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewerAssetsHttpTest {
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

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/metrics",
        "/running",
        "/trace/0af7651916cd43dd8448eb211c80319c",
        "/trace/0AF7651916CD43DD8448EB211C80319C"
      })
  void thePagesServeIndexHtml(String path) throws Exception {
    // given
    byte[] index;
    try (InputStream in =
        ViewerServer.class.getClassLoader().getResourceAsStream(StaticAssets.ROOT + "index.html")) {
      index = in.readAllBytes();
    }

    // when
    RawHttp.Response response = RawHttp.get(port, path);

    // then
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.body().toByteArray()).isEqualTo(index);
    assertSecured(response);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/trace/",
        "/trace/nothex",
        "/trace/0af7651916cd43dd8448eb211c80319",
        "/trace/0af7651916cd43dd8448eb211c80319c0",
        "/trace/0af7651916cd43dd8448eb211c80319c/",
        "/trace/0af7651916cd43dd8448eb211c80319c/x",
        "/metrics/",
        "/index.html",
        "/trace/%3Cscript%3E"
      })
  void otherPagePathsAreNotFound(String path) throws Exception {
    // when
    RawHttp.Response response = RawHttp.get(port, path);

    // then
    assertThat(response.status()).isEqualTo(404);
    assertSecured(response);
    assertThat(response.header("Content-Type")).startsWith("text/plain");
  }

  @ParameterizedTest
  @CsvSource({
    "/assets/viewer-test/probe.js, text/javascript; charset=utf-8",
    "/assets/viewer-test/probe.css, text/css; charset=utf-8",
    "/assets/viewer-test/probe.svg, image/svg+xml",
    "/assets/viewer-test/probe.png, image/png",
    "/assets/viewer-test/nested/deep.css, text/css; charset=utf-8",
    "/assets/app.js, text/javascript; charset=utf-8",
    "/assets/app.css, text/css; charset=utf-8",
    "/assets/uplot/uPlot.iife.min.js, text/javascript; charset=utf-8",
    "/assets/uplot/uPlot.min.css, text/css; charset=utf-8"
  })
  void assetsAreServedWithTheirType(String path, String type) throws Exception {
    // when
    RawHttp.Response response = RawHttp.get(port, path);

    // then
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).isEqualTo(type);
    assertThat(response.body().size()).isPositive();
    assertSecured(response);
  }

  @Test
  void uPlotComesFromItsWebjar() throws Exception {
    // given
    byte[] webjar;
    try (InputStream in =
        ViewerServer.class
            .getClassLoader()
            .getResourceAsStream(StaticAssets.UPLOT_ROOT + "uPlot.iife.min.js")) {
      webjar = in.readAllBytes();
    }

    // when
    RawHttp.Response response = RawHttp.get(port, "/assets/uplot/uPlot.iife.min.js");

    // then
    assertThat(response.body().toByteArray()).isEqualTo(webjar);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/assets/viewer-test/probe.txt", // no known type
        "/assets/viewer-test/.hidden.js", // hidden
        "/assets/viewer-test/dir.js", // a directory with a known extension
        "/assets/viewer-test/dir.js/",
        "/assets/viewer-test/",
        "/assets/viewer-test",
        "/assets/",
        "/assets",
        "/assets/viewer-test/nothing.js",
        "/assets/viewer-test//probe.js",
        "/assets/viewer-test/./probe.js",
        "/assets/viewer-test/nested/../probe.js",
        "/assets/../viewer/ViewerServer.class",
        "/assets/../../../../dev/shuttle/receiver/viewer/assets/index.html",
        "/assets/%2e%2e/ViewerServer.class",
        "/assets/%2E%2E/%2E%2E/assets/app.js",
        "/assets/viewer-test%2fprobe.js",
        "/assets/viewer-test%2Fprobe.js",
        "/assets/viewer-test\\probe.js",
        "/assets/viewer-test%5cprobe.js",
        "/assets/..\\..\\ViewerServer.class",
        "/assets/probe.js%00.css",
        "/assets/viewer-test/probe.js%00",
        "/assets/viewer-test/probe.js;x=1",
        "/assets/viewer-test/probe.js%20",
        "/assets/viewer-test/PROBE.JS",
        "/assets/uplot/",
        "/assets/uplot/package.json",
        "/assets/uplot/uPlot.esm.js",
        "/assets/uplot/../uplot/uPlot.min.css",
        "/assets/META-INF/MANIFEST.MF",
        "/assets/%2e%2e%2f%2e%2e%2fMETA-INF/resources/webjars/uplot/1.6.30/package.json",
        "/assets/index.html/.",
        "/..%2f..%2fetc/passwd",
        "/assets/viewer-test/aaaaaaaaaaaaaaaaaaaa"
            + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.js"
      })
  void nothingOutsideTheAssetsIsServed(String path) throws Exception {
    // when
    RawHttp.Response response = RawHttp.get(port, path);

    // then: 404, or Jetty's 400 for a path it finds ambiguous; never a file's content
    assertThat(response.status()).as(path).isIn(400, 404);
    assertSecured(response);
    assertThat(response.bodyText()).doesNotContain("secret", "export const", "class");
  }

  @Test
  void theServerKeepsServingAfterHostilePaths() throws Exception {
    // given
    for (String path : new String[] {"/assets/%00", "/%", "/assets/%zz", "/a/%2e%2e%2f"}) {
      assertThat(RawHttp.get(port, path).status()).as(path).isIn(400, 404);
    }

    // then
    assertThat(RawHttp.get(port, "/assets/viewer-test/probe.js").bodyText())
        .isEqualTo("export const probe = \"probe\";\n");
  }
}
