package dev.shuttle.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.shuttle.receiver.FuzzAccess;
import dev.shuttle.receiver.render.Untrusted;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the two escapers of text that came over the network: {@link Untrusted#escape} (what the
 * renderers print) and {@code Excerpt.of} (what error messages and log lines quote).
 *
 * <p>Input: the first two bytes give the limit (1 to 600 chars), the rest is read as UTF-16 code
 * units, so every char sequence can occur, lone surrogates included.
 *
 * <p>Properties of {@code escape}: the result is at most the limit long and holds no control,
 * format or separator character and no lone surrogate (a zero width joiner between emoji excepted);
 * it decodes back to the text, or, when cut, to a proper prefix of the text followed by {@code …};
 * text that needs no escape and fits is returned unchanged. Properties of {@code Excerpt.of}: at
 * most {@code MAX_CODE_POINTS} code points of the text and twice as many chars, then {@code ...};
 * no control-like character; decodes back to the text or a prefix of it.
 */
class UntrustedTextFuzzTest {

  static Stream<Arguments> seeds() {
    return Stream.of(
            "\u001B]0;pwned\u0007",
            "\u001B]8;;https://evil.example/\u001B\\click\u001B]8;;\u001B\\",
            "ok\n└─ forged (server)  1.0 ms  OK",
            "admin\u202E\u2066 // check\u2069\u2066",
            "\u009B2J\u009D0;x\u009C\u0085",
            "C:\\new\\table \\u001b \\u{e0041}",
            "x\uD800y\uDC00",
            "t\uDB40\uDC41\uDB40\uDC7F",
            "👩‍💻 👨‍👩‍👧 ❤️‍🔥 👍🏽 🇨🇳 1️⃣ \u200D👍 👍\u200D",
            "结账服务 チェックアウト café …",
            "x".repeat(700))
        .flatMap(
            text ->
                Stream.of(1, 2, 7, 80, 256)
                    .map(
                        limit -> Arguments.of(Named.of(limit + ": " + text, encode(limit, text)))));
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = "15s")
  void escape(byte[] data) {
    if (data.length < 2) {
      return;
    }
    int limit = 1 + ((data[0] & 0xff) << 8 | (data[1] & 0xff)) % 600;
    String text = decode(data);

    String escaped = Untrusted.escape(text, limit);
    assertThat(escaped.length()).isLessThanOrEqualTo(limit);
    FuzzOracle.assertTerminalSafe(escaped);
    String unescaped = unescape(escaped);
    if (!unescaped.equals(text)) {
      assertThat(escaped).as("cut, so it ends in an ellipsis").endsWith("…");
      String kept = unescape(escaped.substring(0, escaped.length() - 1));
      assertThat(text).startsWith(kept);
      assertThat(kept.length()).isLessThan(text.length());
    }
    boolean plain = text.codePoints().noneMatch(c -> c == '\\' || FuzzOracle.isControlLike(c));
    if (plain && text.length() <= limit) {
      assertThat(escaped).isEqualTo(text);
    }

    String excerpt = FuzzAccess.excerpt(text);
    excerpt.codePoints().forEach(c -> assertThat(FuzzOracle.isControlLike(c)).isFalse());
    String fromExcerpt = unescape(excerpt);
    if (!fromExcerpt.equals(text)) {
      assertThat(excerpt).endsWith("...");
      String kept = unescape(excerpt.substring(0, excerpt.length() - 3));
      assertThat(text).startsWith(kept);
      assertThat(kept.codePointCount(0, kept.length()))
          .isLessThanOrEqualTo(FuzzAccess.excerptCodePoints());
      assertThat(excerpt.length()).isLessThanOrEqualTo(2 * FuzzAccess.excerptCodePoints() + 3);
    }
  }

  /** Reverses both escapers: backslash-backslash, n, r, t, u and four hex digits, u{hex}. */
  static String unescape(String escaped) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      assertThat(i + 1).as("a lone backslash ends %s", escaped).isLessThan(escaped.length());
      char kind = escaped.charAt(++i);
      switch (kind) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (escaped.charAt(i + 1) == '{') {
            int close = escaped.indexOf('}', i);
            out.appendCodePoint(Integer.parseInt(escaped.substring(i + 2, close), 16));
            i = close;
          } else {
            out.append((char) Integer.parseInt(escaped.substring(i + 1, i + 5), 16));
            i += 4;
          }
        }
        default -> throw new AssertionError("unknown escape \\" + kind + " in " + escaped);
      }
    }
    return out.toString();
  }

  private static String decode(byte[] data) {
    ByteBuffer chars = ByteBuffer.wrap(data, 2, (data.length - 2) & ~1);
    StringBuilder text = new StringBuilder();
    while (chars.remaining() >= 2) {
      text.append(chars.getChar());
    }
    return text.toString();
  }

  private static byte[] encode(int limit, String text) {
    ByteBuffer data = ByteBuffer.allocate(2 + 2 * text.length());
    data.putShort((short) (limit - 1));
    text.chars().forEach(c -> data.putChar((char) c)); // lone surrogates too
    return data.array();
  }
}
