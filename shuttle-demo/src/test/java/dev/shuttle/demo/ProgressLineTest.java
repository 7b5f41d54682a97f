package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String written() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void onATerminalStopClearsTheLineAndLaterUpdatesDrawNothing() {
    // given: a live line drawn
    ProgressLine progress = new ProgressLine(stream, true);
    progress.show(1, 2, "once", 7);
    String line = "[1/2] once             spans received: 7";
    assertThat(written()).isEqualTo("\r" + line);

    // when
    progress.stop();
    progress.show(1, 2, "once", 8);

    // then: blanked and the cursor back at the start, nothing drawn after
    assertThat(written()).isEqualTo("\r" + line + "\r" + " ".repeat(line.length()) + "\r");
  }

  @Test
  void offATerminalEachChangeIsALineAndStopEndsThem() {
    ProgressLine progress = new ProgressLine(stream, false);
    progress.show(1, 1, "once", 0);
    progress.show(1, 1, "once", 0);
    progress.stop();
    progress.show(1, 1, "once", 3);

    assertThat(written())
        .isEqualTo("[1/1] once             spans received: 0" + System.lineSeparator());
  }
}
