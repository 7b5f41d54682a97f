package dev.shuttle.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Message;
import dev.shuttle.receiver.OtlpJson;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes OTLP/JSON decoding, the path of every OTLP/HTTP JSON export: {@link
 * OtlpJson#merge(java.io.InputStream, Message.Builder)} on arbitrary bytes, decoded as each of the
 * three export requests.
 *
 * <p>Properties: decoding fails only with {@code InvalidProtocolBufferException}, whose message is
 * short, one line, and names no Java class (see {@link FuzzOracle#assertCleanError}); the same text
 * given as a {@code String} gets the same verdict and message; whatever is accepted satisfies
 * {@link FuzzOracle#assertAcceptedRequestIsSound} (id rules, JSON and protobuf round trips, the
 * store, the dump file, both renderers).
 *
 * <p>Seeds: the SDK's JSON exports and hand-built requests ({@link Seeds}), and the files in {@code
 * OtlpJsonFuzzTestInputs/decode} among the test resources: requests in the style of
 * opentelemetry-proto's {@code examples/*.json}, written for this test, the issue's hostile cases,
 * and every input the fuzzer found failing. Without {@code JAZZER_FUZZ} (an IDE run) the seeds run
 * as regression tests; {@code mvn verify} fuzzes (see the module's pom).
 */
class OtlpJsonFuzzTest {

  static Stream<Arguments> seeds() {
    return Seeds.json().map(json -> Arguments.of(Named.of(label(json), json)));
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = "15s")
  void decode(byte[] body) {
    String text = strictUtf8(body);
    for (Message type : FuzzOracle.REQUEST_TYPES) {
      Message.Builder fromBytes = type.newBuilderForType();
      Throwable bytesFailure = decodeBytes(body, fromBytes);
      if (text != null) {
        Message.Builder fromText = type.newBuilderForType();
        Throwable textFailure = decodeText(text, fromText);
        assertThat(textFailure == null)
            .as("the String and the InputStream decoder agree on acceptance")
            .isEqualTo(bytesFailure == null);
        if (bytesFailure == null) {
          assertThat(fromText.build()).isEqualTo(fromBytes.build());
        } else {
          assertThat(textFailure.getMessage()).isEqualTo(bytesFailure.getMessage());
        }
      }
      if (bytesFailure == null) {
        FuzzOracle.assertAcceptedRequestIsSound(fromBytes.build());
      } else {
        FuzzOracle.assertDocumentedFailure(bytesFailure, body);
      }
    }
  }

  /** Returns null if the bytes decoded, else what was thrown, whatever it is. */
  private static Throwable decodeBytes(byte[] body, Message.Builder builder) {
    try {
      OtlpJson.merge(new ByteArrayInputStream(body), builder);
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  private static Throwable decodeText(String text, Message.Builder builder) {
    try {
      OtlpJson.merge(text, builder);
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  /** Returns the bytes as text if they are well-formed UTF-8, else null. */
  static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String label(byte[] json) {
    String text = new String(json, StandardCharsets.UTF_8);
    return text.substring(0, Math.min(40, text.length()));
  }
}
