package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.viewer.Viewers.assertSecured;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.receiver.internal.AllowedHosts;
import java.net.InetAddress;
import java.net.URL;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bug or a shortage of memory while answering: a 500 or a 503 with the headers every answer
 * carries, and neither the message nor the class of what was thrown.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewerHandlerFailureTest {
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private Server server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    // the page's files come from a class loader that throws what the test sets
    ClassLoader failing =
        new ClassLoader(null) {
          @Override
          public URL getResource(String name) {
            Throwable t = failure.get();
            if (t instanceof Error error) {
              throw error;
            }
            throw (RuntimeException) t;
          }
        };
    server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false); // as ViewerServer configures it
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new ViewerHandler(
            AllowedHosts.forBindAddress("127.0.0.1", InetAddress.getLoopbackAddress()),
            new ViewerApi(TelemetryStore.create()),
            new StaticAssets(failing),
            new EventHub(1),
            Duration.ofSeconds(30)));
    server.setErrorHandler(new ViewerHandler.StatusErrorHandler());
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  @Test
  void aBugIsA500ThatTellsNothingOfIt() throws Exception {
    // given
    failure.set(new IllegalStateException("secret detail at /home/user/app"));

    // when
    RawHttp.Response page = RawHttp.get(port, "/");
    RawHttp.Response asset = RawHttp.get(port, "/assets/app.js");

    // then
    for (RawHttp.Response response : new RawHttp.Response[] {page, asset}) {
      assertThat(response.status()).isEqualTo(500);
      assertSecured(response);
      assertThat(response.bodyText())
          .isEqualTo("500 internal error\n")
          .doesNotContain("secret", "IllegalStateException");
    }
  }

  @Test
  void aShortageOfMemoryIsA503ToRetry() throws Exception {
    // given
    failure.set(new OutOfMemoryError("Java heap space"));

    // when
    RawHttp.Response response = RawHttp.get(port, "/");

    // then
    assertThat(response.status()).isEqualTo(503);
    assertSecured(response);
    assertThat(response.header("Retry-After")).isEqualTo("1");
    assertThat(response.header("Connection")).isEqualTo("close");
    assertThat(response.bodyText()).doesNotContain("OutOfMemoryError", "heap");
  }

  @Test
  void theApiStillAnswersWhileThePageFails() throws Exception {
    // given
    failure.set(new IllegalStateException("broken"));

    // when
    RawHttp.Response response = RawHttp.get(port, "/api/traces");

    // then
    assertThat(response.status()).isEqualTo(200);
    assertThat(Viewers.json(response).get("total").getAsInt()).isZero();
  }
}
