package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.viewer.Otlp.attr;
import static dev.shuttle.receiver.viewer.Otlp.export;
import static dev.shuttle.receiver.viewer.Otlp.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.TelemetryStore;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Text from the network in the viewer's JSON: never a raw {@code </script>}, control character,
 * line or paragraph separator, or a lone surrogate (which is not UTF-8); long text is cut.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewerJsonEscapingTest {
  private static final String HOSTILE =
      "</script><script>alert(1)</script><!--\u0000\u0001\u001b[31m\n\r\t\u007f\u2028\u2029"
          + "\u202e\"\\'&=>\ud800x\udc00\ud83d\ude00";

  @Test
  void hostileSpanTextIsEscapedInEveryDocument() throws Exception {
    // given
    TelemetryStore store = TelemetryStore.create();
    store.addTraces(
        export(
            HOSTILE,
            span("%032x".formatted(1), HOSTILE, "", 0, 1)
                .addAttributes(attr(HOSTILE, HOSTILE))
                .addAttributes(attr("long", "\ud83d\ude00".repeat(3000)))));
    try (ViewerServer viewer = Viewers.start(store)) {
      for (String path :
          new String[] {
            "/api/traces", "/api/traces/" + "%032x".formatted(1), "/api/traces?name=%3C%2Fscript"
          }) {
        // when
        RawHttp.Response response = Viewers.get(viewer, path);

        // then
        assertThat(response.status()).as(path).isEqualTo(200);
        String raw = strictUtf8(response.body().toByteArray());
        assertThat(raw)
            .doesNotContain("</", "<script", "<!--", "\u2028", "\u2029")
            .doesNotContainPattern("[\\u0000-\\u001f]");
        JsonObject json = JsonParser.parseString(raw).getAsJsonObject();
        assertThat(json.toString()).contains("alert(1)");
      }
      JsonObject trace = Viewers.getJson(viewer, "/api/traces/" + "%032x".formatted(1));
      JsonObject span = trace.getAsJsonArray("spans").get(0).getAsJsonObject();
      // the name survives as text, but for the lone surrogates, which UTF-8 cannot carry: they
      // become U+FFFD, the replacement character, not a '?' that could have been sent
      assertThat(span.get("name").getAsString())
          .startsWith("</script><script>alert(1)</script><!--\u0000\u0001\u001b[31m")
          .endsWith("&=>\ufffdx\ufffd\ud83d\ude00");
      // a long value is cut between two code points, not inside one
      String cut =
          span.getAsJsonArray("attributes").get(1).getAsJsonObject().get("value").getAsString();
      assertThat(cut).hasSizeLessThanOrEqualTo(Json.MAX_TEXT_CHARS).endsWith("\ud83d\ude00…");
    }
  }

  private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  @Test
  void jsonEscapesWhatAPageMustNotSeeRaw() {
    // when
    String text = Json.text(Json.str(HOSTILE));

    // then
    assertThat(text)
        .doesNotContain("<", ">", "\u2028", "\u2029", "\u0000", "\u001b")
        .contains("\\u003c/script\\u003e", "\\u2028", "\\u2029", "\\u0000");
  }

  @Test
  void loneSurrogatesBecomeReplacementCharacters() {
    assertThat(new String(Json.utf8("\udc00a\ud800\ud800\udc00b\ud800"), StandardCharsets.UTF_8))
        .isEqualTo("\ufffda\ufffd\ud800\udc00b\ufffd");
    assertThat(Json.utf8("plain \ud83d\ude00"))
        .isEqualTo("plain \ud83d\ude00".getBytes(StandardCharsets.UTF_8));
  }
}
