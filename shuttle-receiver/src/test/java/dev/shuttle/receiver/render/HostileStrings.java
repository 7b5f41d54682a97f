package dev.shuttle.receiver.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * A corpus of strings a hostile or broken OTLP client may send, each with the text a renderer must
 * print for it; the expected texts are written out by hand, not computed by {@link Untrusted}.
 */
final class HostileStrings {
  /** Printable non-ASCII text that must pass through unchanged: CJK, emoji sequences, accents. */
  static final String PRINTABLE =
      "结账服务 チェックアウト 결제 👩‍💻 👨‍👩‍👧 ❤️‍🔥 👍🏽 🇨🇳 1️⃣ café ½ ‰ → " + "\u00a0nbsp \uE000private";

  /** ANSI codes that {@link Style} writes itself, the only escape sequences allowed out. */
  private static final Pattern OUR_ANSI_CODES = Pattern.compile("\u001B\\[(0|1|2|31|32|33|36)m");

  /** One hostile string and what must be printed for it. */
  record Hostile(String label, String text, String printed) {
    @Override
    public String toString() {
      return label;
    }
  }

  static final List<Hostile> CORPUS =
      List.of(
          new Hostile("OSC 0 sets the title", "\u001B]0;pwned\u0007", "\\u001b]0;pwned\\u0007"),
          new Hostile("OSC 0 with ST", "\u001B]2;pwned\u001B\\", "\\u001b]2;pwned\\u001b\\\\"),
          new Hostile(
              "CSI clears the screen",
              "\u001B[2J\u001B[H\u001B[3J",
              "\\u001b[2J\\u001b[H\\u001b[3J"),
          new Hostile(
              "OSC 8 hyperlink",
              "\u001B]8;;https://evil.example/\u001B\\click\u001B]8;;\u001B\\",
              "\\u001b]8;;https://evil.example/\\u001b\\\\click\\u001b]8;;\\u001b\\\\"),
          new Hostile("BEL", "ding\u0007\u0007", "ding\\u0007\\u0007"),
          new Hostile(
              "LF forges a trace line",
              "ok\n└─ forged (server)  1.0 ms  OK",
              "ok\\n└─ forged (server)  1.0 ms  OK"),
          new Hostile("CR overwrites the line", "evil\rgood", "evil\\rgood"),
          new Hostile("CRLF and tab", "a\r\n\tb", "a\\r\\n\\tb"),
          new Hostile("8-bit CSI", "\u009B2J\u009B31m", "\\u009b2J\\u009b31m"),
          new Hostile("8-bit OSC and NEL", "\u009D0;x\u009C\u0085", "\\u009d0;x\\u009c\\u0085"),
          new Hostile(
              "bidi override (Trojan Source)",
              "admin\u202E\u2066 // check\u2069\u2066",
              "admin\\u202e\\u2066 // check\\u2069\\u2066"),
          new Hostile(
              "bidi embeddings and marks",
              "\u202A\u202B\u202C\u202D\u2067\u2068\u200E\u200F\u061C",
              "\\u202a\\u202b\\u202c\\u202d\\u2067\\u2068\\u200e\\u200f\\u061c"),
          new Hostile(
              "zero-width characters",
              "pay\u200Bment\u200C\u200Dx\uFEFF\u2060",
              "pay\\u200bment\\u200c\\u200dx\\ufeff\\u2060"),
          new Hostile("line and paragraph separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"),
          new Hostile("NUL and DEL", "a\u0000b\u007Fc", "a\\u0000b\\u007fc"),
          new Hostile(
              "C0 controls",
              "\u0001\u0008\u000B\u000C\u001F",
              "\\u0001\\u0008\\u000b\\u000c\\u001f"),
          new Hostile(
              "backslashes",
              "C:\\new\\table and a literal \\n and \\u001b",
              "C:\\\\new\\\\table and a literal \\\\n and \\\\u001b"),
          new Hostile("lone high surrogate", "x\uD800y", "x\\ud800y"),
          new Hostile("lone low surrogate at the end", "y\uDC00", "y\\udc00"),
          new Hostile("tag characters", "t\uDB40\uDC41\uDB40\uDC7F", "t\\u{e0041}\\u{e007f}"));

  private HostileStrings() {}

  /** The corpus as JUnit arguments, one hostile string each. */
  static Stream<Arguments> corpus() {
    return CORPUS.stream().map(Arguments::of);
  }

  /**
   * Asserts that {@code output} holds no control, format or separator character and no lone
   * surrogate except the line ends and, with colour, the ANSI codes the renderer writes itself.
   */
  static void assertTerminalSafe(String output) {
    String withoutOurCodes = OUR_ANSI_CODES.matcher(output).replaceAll("");
    withoutOurCodes
        .codePoints()
        .forEach(
            codePoint ->
                assertThat(isDangerous(codePoint))
                    .as(
                        "U+%04X in %s",
                        codePoint, output.substring(0, Math.min(500, output.length())))
                    .isFalse());
  }

  private static boolean isDangerous(int codePoint) {
    if (codePoint == '\n') {
      return false;
    }
    int type = Character.getType(codePoint);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.SURROGATE
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }
}
