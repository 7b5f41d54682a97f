package dev.shuttle.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.shuttle.receiver.render.Untrusted;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.Locale;

/**
 * Makes a dump that another process sent safe to print: names in it (goroutine, channel, pool, span
 * names) are whatever that process chose, so no control character of theirs reaches the terminal.
 *
 * <p>Thread-safety: stateless.
 */
final class DumpOutput {
  /** The longest line of a text dump printed; longer ones are cut and end in {@code …}. */
  static final int MAX_LINE_CHARS = 4096;

  private DumpOutput() {}

  /** The text dump, each line escaped as {@link Untrusted} escapes received text. */
  static String text(String dump) {
    StringBuilder out = new StringBuilder(dump.length() + 64);
    dump.lines().forEach(line -> out.append(Untrusted.escape(line, MAX_LINE_CHARS)).append('\n'));
    return out.toString();
  }

  /**
   * The JSON dump, checked to be one well-formed JSON value and written again on one line, with
   * every control, format and separator character inside its strings as a {@code \}{@code uXXXX}
   * escape.
   *
   * @throws GoroutinesFailure if it is not JSON
   */
  static String json(String dump) throws GoroutinesFailure {
    JsonElement tree;
    try (JsonReader reader = new JsonReader(new StringReader(dump))) {
      reader.setStrictness(Strictness.STRICT);
      tree = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new JsonParseException("more than one JSON value");
      }
    } catch (JsonParseException | IOException | IllegalStateException e) {
      throw new GoroutinesFailure("the JVM sent a dump that is not JSON: " + oneLine(e));
    }
    String written = new GsonBuilder().serializeNulls().disableHtmlEscaping().create().toJson(tree);
    StringBuilder out = new StringBuilder(written.length() + 16);
    for (int i = 0; i < written.length(); i++) {
      char c = written.charAt(i);
      if (hidden(c)) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('\n').toString();
  }

  private static boolean hidden(char c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          true;
      default -> false;
    };
  }

  /** A throwable's message on one line, escaped; its class name when it has no message. */
  static String oneLine(Throwable t) {
    String message = t.getMessage();
    String text = message == null || message.isBlank() ? t.getClass().getName() : message;
    return Untrusted.escape(text.strip(), 300);
  }

  /** A duration for people: {@code 10 s}, {@code 500 ms}. */
  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
