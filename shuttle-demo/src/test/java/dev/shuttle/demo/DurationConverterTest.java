package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "5s, PT5S",
    "200ms, PT0.2S",
    "1m, PT1M",
    "1h, PT1H",
    "1.5s, PT1.5S",
    ".5s, PT0.5S",
    "0.25ms, PT0.00025S",
    "1m30s, PT1M30S",
    "1h2m3s4ms, PT1H2M3.004S",
    "' 10S ', PT10S",
    "PT5S, PT5S",
    "pt1m, PT1M",
    "P1DT1H, PT25H",
  })
  void readsGoNotationAndIso8601(String text, String iso) {
    assertThat(converter.convert(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {"5x", "5", "", "s", "ms5", "1.5.5s", "-5s", "5 s", "PT", "99999999999999999999h"})
  void refusesAnythingElseInOneLineThatShowsTheWay(String text) {
    assertThatThrownBy(() -> converter.convert(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'" + text + "' is not a duration; use 5s, 200ms, 1m or ISO-8601 like PT5S");
  }

  @Test
  void everyDurationOptionOfTheCommandLineReadsGoNotation() {
    // given: every subcommand's Duration options
    CommandLine cli = Main.commandLine();
    int checked = 0;
    for (CommandLine sub : cli.getSubcommands().values()) {
      for (OptionSpec option : sub.getCommandSpec().options()) {
        if (option.type() != Duration.class) {
          continue;
        }
        // when
        String[] args = argsFor(sub, option.longestName(), "1.5s");
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args);

        // then
        Duration value = parsed.subcommand().matchedOptionValue(option.longestName(), null);
        assertThat(value)
            .as("%s %s", sub.getCommandName(), option.longestName())
            .isEqualTo(Duration.ofMillis(1500));
        checked++;
      }
    }
    assertThat(checked).as("view --for, receiver --for, goroutines --timeout").isEqualTo(3);
  }

  /**
   * The arguments that give {@code option} the value {@code value}, with the positionals needed.
   */
  private static String[] argsFor(CommandLine sub, String option, String value) {
    String name = sub.getCommandName();
    return switch (name) {
      case "view" -> new String[] {name, option, value, "file.json"};
      case "goroutines" -> new String[] {name, option, value, "1"};
      default -> new String[] {name, option, value};
    };
  }
}
