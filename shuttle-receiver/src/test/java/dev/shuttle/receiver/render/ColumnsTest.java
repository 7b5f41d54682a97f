package dev.shuttle.receiver.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColumnsTest {

  @Test
  void countsDisplayColumnsNotChars() {
    assertThat(Columns.of("checkout")).isEqualTo(8);
    assertThat(Columns.of("└─ │ • ↪ ▶ … µs")).isEqualTo(15); // box drawing and symbols: one each
    assertThat(Columns.of("结账")).isEqualTo(4); // CJK: two each
    assertThat(Columns.of("チェック")).isEqualTo(8);
    assertThat(Columns.of("결제")).isEqualTo(4);
    assertThat(Columns.of("café")).isEqualTo(4);
    assertThat(Columns.of("cafe\u0301")).isEqualTo(4); // a combining accent takes none
    assertThat(Columns.of("👍")).isEqualTo(2); // a surrogate pair, two chars, two columns
    assertThat(Columns.of("❤️")).isEqualTo(2); // a text symbol with the emoji selector
    assertThat(Columns.of("\\u001b[2J")).isEqualTo(9); // an escape shows as ASCII
  }

  @Test
  void emojiSequencesAreNeverCountedNarrowerThanShown() {
    assertThat(Columns.of("👩‍💻")).isGreaterThanOrEqualTo(2);
    assertThat(Columns.of("👍🏽")).isGreaterThanOrEqualTo(2);
    assertThat(Columns.of("🇨🇳")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void cutsToTheColumnsWithAnEllipsis() {
    assertThat(Columns.cut("checkout", 8)).isEqualTo("checkout");
    assertThat(Columns.cut("checkout", 5)).isEqualTo("chec…");
    assertThat(Columns.cut("checkout", 1)).isEqualTo("…");
    assertThat(Columns.cut("checkout", 0)).isEmpty();
    assertThat(Columns.cut("结账结账", 6)).isEqualTo("结账…").satisfies(s -> fits(s, 6));
    assertThat(Columns.cut("结账结账", 4)).isEqualTo("结…").satisfies(s -> fits(s, 4));
  }

  @Test
  void neverSplitsAnEscapeASurrogatePairOrAnEmojiSequence() {
    // an escape is cut whole, so a cut text never shows half of one
    assertThat(Columns.cut("ab\\u001b[2J", 6)).isEqualTo("ab…");
    assertThat(Columns.cut("ab\\u001b[2J", 9)).isEqualTo("ab\\u001b…");
    assertThat(Columns.cut("ab\\\\cd", 3)).isEqualTo("ab…");
    assertThat(Columns.cut("ab\\u{e0001}cd", 10)).isEqualTo("ab…");
    assertThat(Columns.cut("ab\\u{e0001}cd", 12)).isEqualTo("ab\\u{e0001}…");
    // a surrogate pair and a joined emoji stay whole
    assertThat(Columns.cut("a👍👍", 4)).isEqualTo("a👍…");
    assertThat(Columns.cut("a👍👍", 3)).isEqualTo("a…");
    assertThat(Columns.cut("a👩‍💻b", 4)).isEqualTo("a…");
    assertThat(Columns.cut("a👩‍💻bc", 6)).isEqualTo("a👩‍💻…");
    assertThat(Columns.cut("cafe\u0301st", 5)).isEqualTo("cafe\u0301…");
  }

  @Test
  void cutsAListAfterAWholeItemWhereOneFits() {
    String list = "{task.id=1, worker_pool.name=bounded-pool, task.name=task-0}";

    assertThat(Columns.cutList(list, 60)).isEqualTo(list);
    assertThat(Columns.cutList(list, 50))
        .isEqualTo("{task.id=1, worker_pool.name=bounded-pool, …}");
    assertThat(Columns.cutList(list, 20)).isEqualTo("{task.id=1, …}");
    assertThat(Columns.cutList(list, 10)).isEqualTo("{task.id=…"); // no whole item fits
  }

  private static void fits(String text, int columns) {
    assertThat(Columns.of(text)).isLessThanOrEqualTo(columns);
  }
}
