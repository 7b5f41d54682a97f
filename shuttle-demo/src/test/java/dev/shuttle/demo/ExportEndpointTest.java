package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class ExportEndpointTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "http://127.0.0.1:4317, 127.0.0.1, 4317",
    "https://collector.example:443/otlp, collector.example, 443",
    "http://localhost, localhost, 80",
    "https://localhost, localhost, 443",
    "HTTP://LOCALHOST:4318, LOCALHOST, 4318",
  })
  void readsAnHttpOrHttpsUrlWithItsPortOrTheSchemesDefault(String url, String host, int port) {
    ExportEndpoint endpoint = ExportEndpoint.parse(url, "--endpoint");

    assertThat(endpoint.host()).isEqualTo(host);
    assertThat(endpoint.port()).isEqualTo(port);
    assertThat(endpoint.url()).isEqualTo(url);
  }

  @Test
  void anEndpointWithoutSchemeNamesItsSourceAndTheFix() {
    assertThatThrownBy(() -> ExportEndpoint.parse("localhost:4317", DemoSession.ENDPOINT_VARIABLE))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "OTEL_EXPORTER_OTLP_ENDPOINT is 'localhost:4317', which is not an OTLP endpoint URL:"
                + " it needs a scheme, as in http://localhost:4317");
    assertThatThrownBy(() -> ExportEndpoint.parse("foo", "--endpoint"))
        .hasMessage(
            "--endpoint 'foo' is not an OTLP endpoint URL: it needs a scheme, as in http://foo");
  }

  @Test
  void otherSchemesNoHostAndBadSyntaxAreRefusedWithAnExample() {
    String example = " (such as http://127.0.0.1:4317 for gRPC, http://127.0.0.1:4318 for HTTP)";
    assertThatThrownBy(() -> ExportEndpoint.parse("ftp://host:21", "--endpoint"))
        .hasMessage(
            "--endpoint 'ftp://host:21' is not an OTLP endpoint URL: OTLP goes over http:// or"
                + " https://"
                + example);
    assertThatThrownBy(() -> ExportEndpoint.parse("http://:4317", "--endpoint"))
        .hasMessage(
            "--endpoint 'http://:4317' is not an OTLP endpoint URL: it names no host" + example);
    assertThatThrownBy(() -> ExportEndpoint.parse("http://a b:1", "--endpoint"))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("--endpoint 'http://a b:1' is not an OTLP endpoint URL: ")
        .hasMessageEndingWith(example);
  }

  @Test
  void theCheckPassesWhereSomethingListensAndSaysWhatToDoWhereNothingDoes() throws Exception {
    int port;
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = listening.getLocalPort();
      ExportEndpoint endpoint = ExportEndpoint.parse("http://127.0.0.1:" + port, "--endpoint");
      assertThatCode(() -> endpoint.checkAnswers(ExportEndpoint.CONNECT_TIMEOUT))
          .doesNotThrowAnyException();
    }
    ExportEndpoint gone =
        ExportEndpoint.parse("http://127.0.0.1:" + port, DemoSession.ENDPOINT_VARIABLE);
    assertThatThrownBy(() -> gone.checkAnswers(ExportEndpoint.CONNECT_TIMEOUT))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "nothing answers at http://127.0.0.1:"
                + port
                + " (connection refused); start a collector there, such as `./shuttle receiver`"
                + " (OTLP on 4317 and 4318), or check OTEL_EXPORTER_OTLP_ENDPOINT");
  }

  @Test
  void anUnknownHostIsNamed() {
    ExportEndpoint endpoint =
        ExportEndpoint.parse("http://no-such-host.invalid:4317", "--endpoint");
    assertThatThrownBy(() -> endpoint.checkAnswers(ExportEndpoint.CONNECT_TIMEOUT))
        .hasMessage(
            "cannot resolve the host 'no-such-host.invalid' of http://no-such-host.invalid:4317;"
                + " check --endpoint");
  }
}
