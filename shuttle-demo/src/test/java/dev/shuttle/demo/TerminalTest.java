package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.Terminal.ColorWhen;
import java.util.Map;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class TerminalTest {
  private static final IntSupplier NOT_ASKED = TerminalTest::notAsked;

  private static int notAsked() {
    throw new AssertionError("the terminal's size was asked for");
  }

  @Test
  void columnsComeFromTheColumnsVariableWhenItIsAPositiveNumber() {
    assertThat(Terminal.detect(Map.of("COLUMNS", "100"), true, NOT_ASKED).columns()).isEqualTo(100);
    assertThat(Terminal.detect(Map.of("COLUMNS", "100"), false, NOT_ASKED).columns())
        .isEqualTo(100);
  }

  @Test
  void otherwiseFromTheTerminalOr120WhenNotATerminal() {
    assertThat(Terminal.detect(Map.of(), true, () -> 132).columns()).isEqualTo(132);
    assertThat(Terminal.detect(Map.of(), false, NOT_ASKED).columns()).isEqualTo(120);
    // a terminal whose size cannot be read
    assertThat(Terminal.detect(Map.of(), true, () -> 0).columns()).isEqualTo(80);
  }

  @Test
  void aColumnsVariableThatIsNotAPositiveNumberIsIgnored() {
    for (String bad : new String[] {"", "0", "-80", "eighty", "80x", " 80", "99999999999"}) {
      assertThat(Terminal.detect(Map.of("COLUMNS", bad), false, NOT_ASKED).columns())
          .as("COLUMNS=%s", bad)
          .isEqualTo(120);
      assertThat(Terminal.detect(Map.of("COLUMNS", bad), true, () -> 90).columns())
          .as("COLUMNS=%s", bad)
          .isEqualTo(90);
    }
  }

  @Test
  void linesAreNeverFittedNarrowerThan40Columns() {
    assertThat(Terminal.detect(Map.of("COLUMNS", "12"), false, NOT_ASKED).columns()).isEqualTo(40);
  }

  @Test
  void colourIsAutomaticOnATerminalOnly() {
    Terminal terminal = Terminal.detect(Map.of(), true, () -> 80);
    Terminal piped = Terminal.detect(Map.of(), false, NOT_ASKED);

    assertThat(terminal.colour(ColorWhen.AUTO)).isTrue();
    assertThat(piped.colour(ColorWhen.AUTO)).isFalse();
    assertThat(piped.colour(ColorWhen.ALWAYS)).isTrue();
    assertThat(terminal.colour(ColorWhen.NEVER)).isFalse();
  }

  @Test
  void noColorSetAndNotEmptyTurnsTheAutomaticColourOff() {
    Terminal noColor = Terminal.detect(Map.of("NO_COLOR", "1"), true, () -> 80);
    Terminal empty = Terminal.detect(Map.of("NO_COLOR", ""), true, () -> 80);

    assertThat(noColor.colour(ColorWhen.AUTO)).isFalse();
    assertThat(empty.colour(ColorWhen.AUTO)).isTrue(); // no-color.org: empty means unset
    assertThat(noColor.colour(ColorWhen.ALWAYS)).isTrue(); // an explicit option overrides it
  }

  @Test
  void theTerminalsSizeIsReadWithoutThrowing() {
    // with no terminal to read (as under a build) 0; on one, its width
    assertThat(Terminal.sttyColumns()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void theCommandsOwnLinesAreCutToTheColumnsUnlessWide() {
    TerminalOptions options = new TerminalOptions();
    options.detector = () -> Terminal.detect(Map.of("COLUMNS", "40"), false, NOT_ASKED);
    String header =
        "== worker-pool: a fixed worker pool with metrics, jobs traced under their submitter";

    assertThat(options.fit(header)).hasSize(40).startsWith("== worker-pool: a fixed").endsWith("…");
    assertThat(options.fit("== select: short")).isEqualTo("== select: short");
    options.wide = true;
    assertThat(options.fit(header)).isEqualTo(header);
  }
}
