package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsServerTest {
  @Test
  void aMissingServerFailsWithOneLineSayingHowToInstallIt(@TempDir Path empty) {
    assertThatThrownBy(() -> NatsServer.find(List.of(empty)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(NatsServer.MISSING)
        .hasMessageContaining("apt-get install nats-server");
  }

  @Test
  void theServerListensOnLoopbackOnlyWithItsOwnStore() throws Exception {
    try (NatsServer server = NatsServer.start()) {
      assertThat(server.url()).startsWith("nats://127.0.0.1:");
      assertThat(server.commandLine()).contains("-a 127.0.0.1").contains("-sd ");
    }
  }
}
