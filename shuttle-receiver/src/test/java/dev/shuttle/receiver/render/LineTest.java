package dev.shuttle.receiver.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LineTest {
  private static final Style COLOUR = new Style(true);

  private static Line span() {
    return new Line()
        .keep("│  ├─ ")
        .cut("", "process-task", COLOUR::bold, Line.NAME)
        .keep("  20.4 ms")
        .cut("  ", "ERROR", ": cannot process task-7", COLOUR::red, Line.DETAILS)
        .attributes("  ", "{task.id=8, task.name=task-7}", COLOUR::dim);
  }

  @Test
  void aLineThatFitsIsUnchanged() {
    assertThat(plain(span(), 0))
        .isEqualTo(
            "│  ├─ process-task  20.4 ms  ERROR: cannot process task-7  {task.id=8,"
                + " task.name=task-7}");
    assertThat(plain(span(), 200)).isEqualTo(plain(span(), 0));
  }

  @Test
  void attributesAreElidedFirstThenDetailsThenNames() {
    // attributes, after a whole one where it fits, then as far as they fit, then left out
    assertThat(plain(span(), 73))
        .isEqualTo("│  ├─ process-task  20.4 ms  ERROR: cannot process task-7  {task.id=8, …}");
    assertThat(plain(span(), 72))
        .isEqualTo("│  ├─ process-task  20.4 ms  ERROR: cannot process task-7  {task.id=8, …");
    assertThat(plain(span(), 60))
        .isEqualTo("│  ├─ process-task  20.4 ms  ERROR: cannot process task-7  …");
    assertThat(plain(span(), 59))
        .isEqualTo("│  ├─ process-task  20.4 ms  ERROR: cannot process task-7");
    // then the status message, keeping ERROR
    assertThat(plain(span(), 50)).isEqualTo("│  ├─ process-task  20.4 ms  ERROR: cannot proces…");
    assertThat(plain(span(), 34)).isEqualTo("│  ├─ process-task  20.4 ms  ERROR");
    // and last the name; the tree glyphs and the duration stay
    assertThat(plain(span(), 30)).isEqualTo("│  ├─ process…  20.4 ms  ERROR");
  }

  @Test
  void everyLineFitsDownToItsUncuttableParts() {
    for (int columns = 200; columns >= 1; columns--) {
      Line line = span();
      String fitted = line.fit(columns);
      assertThat(line.width()).isEqualTo(Columns.of(strip(fitted)));
      assertThat(line.width())
          .isLessThanOrEqualTo(Math.max(columns, "│  ├─   20.4 ms  ERROR".length()));
      assertThat(fitted).startsWith("│  ├─ ").contains("  20.4 ms");
    }
  }

  @Test
  void colourCodesNeitherCountNorGetCut() {
    String fitted = span().fit(60);

    assertThat(Columns.of(strip(fitted))).isEqualTo(60);
    assertThat(fitted)
        .contains("\u001B[1mprocess-task\u001B[0m")
        .contains("\u001B[31mERROR: cannot process task-7\u001B[0m")
        .contains("\u001B[2m…\u001B[0m");
  }

  @Test
  void aRankOutsideTheKnownOnesIsRefused() {
    assertThatThrownBy(() -> new Line().cut("", "x", UnaryOperator.identity(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rank must be within [1, 4], was 0");
  }

  private static String plain(Line line, int columns) {
    return strip(line.fit(columns));
  }

  static String strip(String coloured) {
    return coloured.replaceAll("\u001B\\[[0-9;]*m", "");
  }
}
