package dev.shuttle.receiver.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.receiver.render.HostileStrings.Hostile;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class UntrustedTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.shuttle.receiver.render.HostileStrings#corpus")
  void escapesControlFormatAndSeparatorCharactersVisibly(Hostile hostile) {
    // when
    String printed = Untrusted.escape(hostile.text(), Untrusted.MAX_NAME_CHARS);

    // then
    assertThat(printed).isEqualTo(hostile.printed());
    HostileStrings.assertTerminalSafe(printed);
  }

  @Test
  void leavesPrintableNonAsciiTextAsItIs() {
    assertThat(Untrusted.escape(HostileStrings.PRINTABLE, Untrusted.MAX_NAME_CHARS))
        .isEqualTo(HostileStrings.PRINTABLE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u200D👩", "👩\u200Da", "\u200D👩", "👩\u200D", "👩\u200D\u200D👩"})
  void escapesAZeroWidthJoinerThatDoesNotJoinTwoEmoji(String text) {
    assertThat(Untrusted.escape(text, Untrusted.MAX_NAME_CHARS)).contains("\\u200d");
  }

  @Test
  void aCutNeverLeavesAJoinerThatNoLongerJoinsTwoEmoji() {
    // found by UntrustedTextFuzzTest: ❤️‍🔥 cut after the joiner kept the joiner raw
    String heartOnFire = "\u2764\uFE0F\u200D\uD83D\uDD25";

    assertThat(Untrusted.escape(heartOnFire, 4)).isEqualTo("\u2764\uFE0F…");
    assertThat(Untrusted.escape(heartOnFire, 5)).isEqualTo(heartOnFire);
  }

  @Test
  void cutsLongTextWithAnEllipsisWithinTheLimit() {
    // given
    String name = "x".repeat(1000);

    // when
    String printed = Untrusted.escape(name, 256);

    // then
    assertThat(printed).hasSize(256).isEqualTo("x".repeat(255) + "…");
  }

  @Test
  void keepsTextThatFillsTheLimitExactly() {
    assertThat(Untrusted.escape("x".repeat(256), 256)).isEqualTo("x".repeat(256));
    assertThat(Untrusted.escape("\u001B", 6)).isEqualTo("\\u001b");
  }

  @Test
  void neverCutsInsideAnEscape() {
    // given: 9 chars an escaped unit
    String name = "\u001B[2J".repeat(100);

    // when
    String printed = Untrusted.escape(name, 256);

    // then: 28 whole units are 252 chars; the next escape does not fit
    assertThat(printed).isEqualTo("\\u001b[2J".repeat(28) + "…");
  }

  @Test
  void neverCutsASurrogatePair() {
    // given: 🙂 is two chars
    String name = "🙂".repeat(10);

    // when
    String printed = Untrusted.escape(name, 6);

    // then
    assertThat(printed).isEqualTo("🙂🙂…");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aMebibyteNameCostsNoMoreThanTheLimit() {
    // given
    String name = "\u001B]0;pwned\u0007\n".repeat(1 << 16); // 1 MiB of chars

    // when
    String printed = "";
    for (int i = 0; i < 10_000; i++) {
      printed = Untrusted.escape(name, Untrusted.MAX_NAME_CHARS);
    }

    // then
    assertThat(printed).hasSizeLessThanOrEqualTo(Untrusted.MAX_NAME_CHARS).endsWith("…");
    HostileStrings.assertTerminalSafe(printed);
  }

  @Test
  void rejectsALimitBelowOne() {
    assertThatThrownBy(() -> Untrusted.escape("a", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
