package dev.shuttle.receiver.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BoundedTextTest {

  @Test
  void escapesOnlyTheUntrustedParts() {
    // when
    String text = new BoundedText(80).trusted("[").untrusted("a\nb").trusted("]").toString();

    // then
    assertThat(text).isEqualTo("[a\\nb]");
  }

  @Test
  void ignoresEverythingAppendedAfterTheCut() {
    // given
    BoundedText text = new BoundedText(5).trusted("[").untrusted("abcdef");

    // when
    text.trusted("]").untrusted("g");

    // then
    assertThat(text.isCut()).isTrue();
    assertThat(text.toString()).isEqualTo("[abc…");
  }

  @Test
  void isNotCutWhenEverythingFits() {
    // when
    BoundedText text = new BoundedText(5).trusted("[").untrusted("abc").trusted("]");

    // then
    assertThat(text.isCut()).isFalse();
    assertThat(text.toString()).isEqualTo("[abc]");
  }

  @Test
  void aLimitOfOneLeavesRoomForTheEllipsisOnly() {
    assertThat(new BoundedText(1).untrusted("\u001B").toString()).isEqualTo("…");
    assertThatThrownBy(() -> new BoundedText(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
