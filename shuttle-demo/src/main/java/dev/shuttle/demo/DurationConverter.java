package dev.shuttle.demo;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The one reader of durations on the {@code shuttle} command line: Go's notation ({@code 200ms},
 * {@code 5s}, {@code 1.5s}, {@code 1m}, {@code 1h}, {@code 1m30s}: decimal numbers, each with a
 * unit of {@code ms}, {@code s}, {@code m} or {@code h}) or ISO-8601 ({@code PT5S}).
 *
 * <p>Main registers it for every {@link Duration} option; a duration too precise for a millisecond
 * ({@code 1.0001ms}) keeps its nanoseconds, and one without a unit ({@code 5}) is refused, since
 * its unit would be a guess.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)(ms|s|m|h)");
  private static final Pattern GO = Pattern.compile("(?:" + PART.pattern() + ")+");
  private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000L);

  @Override
  public Duration convert(String value) {
    String text = value.strip().toLowerCase(Locale.ROOT);
    try {
      if (GO.matcher(text).matches()) {
        return goDuration(text);
      }
      if (text.startsWith("p") || text.startsWith("-p") || text.startsWith("+p")) {
        return Duration.parse(value.strip());
      }
    } catch (DateTimeParseException | ArithmeticException e) {
      // not a duration, or one too long for java.time: the same answer
    }
    throw new TypeConversionException(
        "'" + value + "' is not a duration; use 5s, 200ms, 1m or ISO-8601 like PT5S");
  }

  /** Sums the parts of {@code 1m30s}; exact, since each part is scaled as a decimal. */
  private static Duration goDuration(String text) {
    Matcher part = PART.matcher(text);
    BigDecimal nanos = BigDecimal.ZERO;
    while (part.find()) {
      BigDecimal millisPerUnit =
          switch (part.group(2)) {
            case "ms" -> BigDecimal.ONE;
            case "s" -> BigDecimal.valueOf(1_000L);
            case "m" -> BigDecimal.valueOf(60_000L);
            default -> BigDecimal.valueOf(3_600_000L);
          };
      nanos =
          nanos.add(
              new BigDecimal(part.group(1)).multiply(millisPerUnit).multiply(NANOS_PER_MILLI));
    }
    return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact());
  }
}
