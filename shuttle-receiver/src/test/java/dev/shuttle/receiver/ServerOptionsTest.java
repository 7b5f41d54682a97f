package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server options: defaults, copies, and validation with messages that say what to do. */
class ServerOptionsTest {

  @Test
  void defaultsAreDocumented() {
    ServerOptions defaults = ServerOptions.defaults();

    assertThat(defaults.backlog()).isEqualTo(1024);
    assertThat(defaults.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.minBodyBytesPerSecond()).isEqualTo(16 * 1024);
    assertThat(defaults.decodeBudgetBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
    assertThat(defaults.corsAllowedOrigins()).isEmpty();
    assertThat(ReceiverConfig.defaults().serverOptions()).isEqualTo(defaults);
  }

  @Test
  void withersChangeOneComponent() {
    ServerOptions options =
        ServerOptions.defaults()
            .withBacklog(10)
            .withHeaderTimeout(Duration.ofSeconds(1))
            .withIdleTimeout(Duration.ofSeconds(2))
            .withMinBodyBytesPerSecond(0)
            .withDecodeBudgetBytes(1234)
            .withCorsAllowedOrigins(List.of("http://localhost:5173"));

    assertThat(options)
        .isEqualTo(
            new ServerOptions(
                10,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                0,
                1234,
                List.of("http://localhost:5173")));
  }

  @Test
  void theOriginListIsCopied() {
    List<String> origins = new ArrayList<>(List.of("http://a.example"));
    ServerOptions options = ServerOptions.defaults().withCorsAllowedOrigins(origins);

    origins.add("http://b.example");

    assertThat(options.corsAllowedOrigins()).containsExactly("http://a.example");
  }

  @Test
  void invalidValuesAreRejected() {
    ServerOptions defaults = ServerOptions.defaults();
    assertThatThrownBy(() -> defaults.withBacklog(0)).hasMessageContaining("backlog");
    assertThatThrownBy(() -> defaults.withHeaderTimeout(Duration.ZERO))
        .hasMessageContaining("headerTimeout must be positive");
    assertThatThrownBy(() -> defaults.withIdleTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> defaults.withMinBodyBytesPerSecond(-1))
        .hasMessageContaining("minBodyBytesPerSecond");
    assertThatThrownBy(() -> defaults.withDecodeBudgetBytes(0))
        .hasMessageContaining("decodeBudgetBytes");
    assertThatThrownBy(() -> defaults.withCorsAllowedOrigins(List.of("*")))
        .hasMessageContaining("exact origins");
    assertThatThrownBy(() -> ReceiverConfig.builder().serverOptions(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("serverOptions");
  }
}
