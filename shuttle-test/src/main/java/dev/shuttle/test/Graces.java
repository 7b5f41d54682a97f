package dev.shuttle.test;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Reads a grace period: {@code 500ms}, {@code 2s}, {@code 1m}, or ISO-8601 as {@code PT2S}. */
final class Graces {
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)");

  private Graces() {}

  /**
   * Parses {@code value}, set by {@code source}.
   *
   * @throws ExtensionConfigurationException if it is not a non-negative duration
   */
  static Duration parse(String value, String source) {
    String text = value.strip().toLowerCase(Locale.ROOT);
    Duration grace = null;
    Matcher m = SIMPLE.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      grace =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
          };
    } else if (text.startsWith("p")) {
      try {
        grace = Duration.parse(text);
      } catch (DateTimeParseException e) {
        grace = null;
      }
    }
    if (grace == null || grace.isNegative()) {
      throw new ExtensionConfigurationException(
          source
              + ": cannot read '"
              + value
              + "' as a grace period; write it as 500ms, 2s, 1m or PT2S");
    }
    return grace;
  }
}
