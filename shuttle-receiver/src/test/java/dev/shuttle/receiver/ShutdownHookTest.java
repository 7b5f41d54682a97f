package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An application that forgets to close shuttle-otel still delivers its spans at JVM exit. */
class ShutdownHookTest {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theShutdownHookFlushesWhenTheApplicationForgetsToClose() throws Exception {
    try (OtlpReceiver receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder().httpPort(ReceiverConfig.DISABLED).grpcPort(0).build())) {
      int spans = 50;
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-cp",
                      System.getProperty("java.class.path"),
                      ForgetfulApp.class.getName(),
                      receiver.grpcEndpoint(),
                      Integer.toString(spans)))
              .redirectErrorStream(true)
              .start();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
      assertThat(child.exitValue()).as(output).isZero();

      assertThat(receiver.store().spanCount()).as(output).isEqualTo(spans);
      assertThat(receiver.store().tracesByService("forgetful")).hasSize(spans);
    }
  }
}
