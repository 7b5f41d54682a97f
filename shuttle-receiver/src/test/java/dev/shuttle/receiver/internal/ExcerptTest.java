package dev.shuttle.receiver.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExcerptTest {

  @Test
  void shortPrintableTextIsKeptAsIs() {
    assertThat(Excerpt.of("GET /v1/traces grüße 🚀")).isEqualTo("GET /v1/traces grüße 🚀");
  }

  @Test
  void longTextIsCutAfterSixtyFourCodePoints() {
    String excerpt = Excerpt.of("🚀".repeat(100));

    assertThat(excerpt).isEqualTo("🚀".repeat(64) + "...");
  }

  @Test
  void controlFormatAndSeparatorCharactersAreEscaped() {
    String hostile = "a\u001b]0;title\u0007b\nc\rd\u0085e\u202ef\u2028g\\h\ud800i\udb40\udc01";

    assertThat(Excerpt.of(hostile))
        .isEqualTo(
            "a\\u001b]0;title\\u0007b\\u000ac\\u000dd\\u0085e\\u202ef\\u2028g\\\\h\\ud800i"
                + "\\udb40\\udc01");
  }

  @Test
  void quotedEscapesTheQuotes() {
    assertThat(Excerpt.quoted("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
  }
}
