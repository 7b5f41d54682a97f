package dev.shuttle.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.shuttle.receiver.FuzzAccess;
import dev.shuttle.receiver.OtlpDump;
import dev.shuttle.receiver.OtlpJson;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.receiver.render.MetricsRenderer;
import dev.shuttle.receiver.render.TraceRenderer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The properties every decoding path must have, checked by the fuzz tests and by the regression
 * corpus alike. Each check is written independently of the code it checks: the id rules are
 * re-derived from {@code trace.proto} by walking any message generically, and terminal safety is
 * judged by Unicode general category.
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
final class FuzzOracle {
  /**
   * The longest error message a client may be sent: about 300 chars, as a message is a field path
   * (at most 120 chars) and a problem that quotes at most a short excerpt of the input.
   */
  static final int MAX_ERROR_CHARS = 320;

  /** The three OTLP export request types, as their default instances. */
  static final List<Message> REQUEST_TYPES =
      List.of(
          ExportTraceServiceRequest.getDefaultInstance(),
          ExportMetricsServiceRequest.getDefaultInstance(),
          ExportLogsServiceRequest.getDefaultInstance());

  /** The ANSI codes the renderers write themselves (bold, dim, colours, reset). */
  private static final Pattern OUR_ANSI_CODES = Pattern.compile("\u001B\\[(0|1|2|31|32|36)m");

  /** Words that give away Java internals in a message meant for a client. */
  private static final List<String> JAVA_WORDS =
      List.of(
          "java.",
          "javax.",
          "com.google",
          "io.grpc",
          "exception",
          "codedinputstream",
          "jsonreader",
          "strictness",
          "gson");

  /** A Java method call such as {@code setRecursionLimit(} or {@code Stream.setSizeLimit(}. */
  private static final Pattern JAVA_CALL =
      Pattern.compile("[A-Za-z]+\\.[a-z][A-Za-z]*\\(|\\b[a-z]+[A-Z][A-Za-z]*\\(");

  private static final int ZERO_WIDTH_JOINER = 0x200D;

  private static final Map<String, Integer> ID_BYTES =
      Map.of("trace_id", 16, "span_id", 8, "parent_span_id", 8);

  private FuzzOracle() {}

  /**
   * Asserts that an error message meant for a client is short, one line, free of control
   * characters, and names no Java class or API, unless the client sent that name itself (a message
   * may quote a short excerpt of what it received).
   *
   * @param message the message
   * @param received what the client sent, as text (bytes as ISO-8859-1)
   */
  static void assertCleanError(String message, String received) {
    assertThat(message).as("error message").isNotNull().isNotBlank();
    assertThat(message.length()).as("length of: %s", message).isLessThanOrEqualTo(MAX_ERROR_CHARS);
    // A quoted excerpt cut short ends in "...": after a quoted "java" that is not "java."
    String lower = message.toLowerCase(Locale.ROOT).replace("...'", "'");
    String receivedLower = received.toLowerCase(Locale.ROOT);
    for (String word : JAVA_WORDS) {
      if (!receivedLower.contains(word)) {
        assertThat(lower).as("error message names Java internals").doesNotContain(word);
      }
    }
    Matcher call = JAVA_CALL.matcher(message);
    while (call.find()) {
      assertThat(received).as("Java API in: %s", message).contains(call.group());
    }
    message
        .codePoints()
        .forEach(c -> assertThat(isControlLike(c)).as("U+%04X in error: %s", c, message).isFalse());
  }

  /** As {@link #assertCleanError(String, String)}, for a request received as bytes. */
  static void assertCleanError(String message, byte[] received) {
    assertCleanError(message, new String(received, StandardCharsets.ISO_8859_1));
  }

  /**
   * Asserts that text printed on a terminal holds no control, format or separator character and no
   * lone surrogate, except line ends, the renderer's own ANSI codes, and a zero width joiner
   * between two emoji (as {@code Untrusted} documents).
   */
  static void assertTerminalSafe(String output) {
    String text = OUR_ANSI_CODES.matcher(output).replaceAll("");
    int previous = -1;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      int end = i + Character.charCount(c);
      int next = end < text.length() ? text.codePointAt(end) : -1;
      boolean afterEmoji =
          previous != -1
              && (Character.isExtendedPictographic(previous)
                  || Character.isEmojiModifier(previous)
                  || previous == 0xFE0F);
      // Untrusted keeps a joiner between two emoji only (a cut never leaves one before its …)
      boolean joinsEmoji =
          c == ZERO_WIDTH_JOINER
              && afterEmoji
              && next != -1
              && Character.isExtendedPictographic(next);
      if (c != '\n' && !joinsEmoji) {
        int at = i;
        assertThat(isControlLike(c))
            .as(
                "U+%04X at %d in %s",
                c, at, text.substring(Math.max(0, at - 40), Math.min(text.length(), at + 40)))
            .isFalse();
      }
      previous = c;
      i = end;
    }
  }

  /** Control (Cc), format (Cf), line or paragraph separator, or a lone surrogate. */
  static boolean isControlLike(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE ->
          true;
      default -> false;
    };
  }

  /**
   * Returns what is wrong with the ids in any OTLP message, found by walking every field of every
   * nested message, or null if nothing is: spans need a 16-byte trace id and an 8-byte span id,
   * neither all zeros, and an empty or 8-byte parent; links, log records and exemplars have empty
   * ids or ids of exactly those lengths.
   */
  static String idProblem(Message message) {
    boolean span = message instanceof Span;
    if (span || message instanceof Span.Link) {
      String problem =
          id(message, "trace_id", span)
              + id(message, "span_id", span)
              + (span ? id(message, "parent_span_id", false) : "");
      if (!problem.isEmpty()) {
        return message.getDescriptorForType().getName() + problem;
      }
    } else if (message instanceof LogRecord || message instanceof Exemplar) {
      String problem = id(message, "trace_id", false) + id(message, "span_id", false);
      if (!problem.isEmpty()) {
        return message.getDescriptorForType().getName() + problem;
      }
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      List<?> values =
          field.getKey().isRepeated() ? (List<?>) field.getValue() : List.of(field.getValue());
      for (Object value : values) {
        String problem = idProblem((Message) value);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static String id(Message message, String name, boolean required) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    ByteString id = (ByteString) message.getField(field);
    int bytes = ID_BYTES.get(name);
    if (id.isEmpty()) {
      return required ? " " + name + " empty" : "";
    }
    if (id.size() != bytes) {
      return " " + name + " of " + id.size() + " bytes";
    }
    if (required && id.equals(ByteString.copyFrom(new byte[bytes]))) {
      return " " + name + " all zeros";
    }
    return "";
  }

  /**
   * Asserts everything that must hold of a request some decoding path accepted: its ids follow the
   * rules, {@code OtlpValidation} agrees, it survives the trip through the receiver's own JSON and
   * through protobuf, and it survives the store, the dump file and both renderers.
   */
  static void assertAcceptedRequestIsSound(Message request) {
    assertThat(idProblem(request)).as("ids of an accepted request").isNull();
    assertThatCode(() -> FuzzAccess.checkIds(request)).doesNotThrowAnyException();
    Message known = withoutUnknownFields(request);

    // the receiver's JSON and back: the same message
    String json = OtlpJson.print(known);
    Message.Builder fromJson = known.newBuilderForType();
    assertThatCode(() -> OtlpJson.merge(json, fromJson))
        .as("decoding the receiver's own JSON of an accepted request")
        .doesNotThrowAnyException();
    assertThat(fromJson.build()).as("JSON round trip").isEqualTo(known);

    // protobuf and back, as the gRPC receiver decodes it: the same message
    FuzzAccess.GrpcDecoded overGrpc =
        FuzzAccess.grpcDecode(known.getParserForType(), known.toByteArray());
    assertThat(overGrpc.failure()).as("gRPC decoding of an accepted request").isNull();
    assertThat(overGrpc.message()).as("protobuf round trip").isEqualTo(known);

    TelemetryStore store = TelemetryStore.create();
    switch (known) {
      case ExportTraceServiceRequest traces -> store.addTraces(traces);
      case ExportMetricsServiceRequest metrics -> store.addMetrics(metrics);
      case ExportLogsServiceRequest logs -> store.addLogs(logs);
      default -> throw new AssertionError("not an export request: " + known.getClass());
    }
    assertDumpRoundTrips(store);
    assertRendersSafely(store);
  }

  /**
   * Asserts that the store's dump can be written as the dump file is (strict UTF-8, as {@code
   * Files.writeString} encodes) and reads back as what the store holds; in memory, as a file per
   * fuzzed input would slow the fuzzer down tenfold (the regression tests write the file).
   */
  static void assertDumpRoundTrips(TelemetryStore store) {
    String text = OtlpJson.dump(store);
    assertThatCode(
            () ->
                StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text)))
        .as("the dump encodes as UTF-8")
        .doesNotThrowAnyException();
    OtlpDump dump = call(() -> OtlpJson.parseDump(text), "reading the dump");
    assertThat(dump.traces()).as("dumped traces").isEqualTo(store.tracesAsRequest());
    assertThat(dump.metrics()).as("dumped metrics").isEqualTo(store.metricsAsRequest());
    assertThat(dump.logs()).as("dumped logs").isEqualTo(store.logsAsRequest());
  }

  /**
   * Renders every trace and all metrics, plain and in colour, wide and fitted to 80 columns, and
   * checks the output.
   */
  static void assertRendersSafely(TelemetryStore store) {
    for (boolean colour : new boolean[] {false, true}) {
      for (int columns : new int[] {0, 80}) {
        TraceRenderer traces = TraceRenderer.create(colour).withWidth(columns);
        for (StoredTrace trace : store.traces()) {
          assertTerminalSafe(traces.render(trace));
        }
        assertTerminalSafe(
            MetricsRenderer.create(colour).withWidth(columns).render(store.resourceMetrics()));
      }
    }
  }

  /**
   * Asserts that a failed decoding is reported as the documented exception with a clean message,
   * and returns normally; rethrows anything else, which is then the fuzzer's finding.
   */
  static void assertDocumentedFailure(Throwable thrown, byte[] received) {
    if (!(thrown instanceof InvalidProtocolBufferException)) {
      throw new AssertionError("undocumented failure: " + thrown, thrown);
    }
    assertCleanError(thrown.getMessage(), received);
  }

  /** Returns a copy of the message without unknown fields at any depth, as JSON keeps none. */
  static Message withoutUnknownFields(Message message) {
    Message.Builder builder = message.toBuilder();
    builder.setUnknownFields(UnknownFieldSet.getDefaultInstance());
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (descriptor.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (descriptor.isRepeated()) {
        List<?> values = (List<?>) field.getValue();
        for (int i = 0; i < values.size(); i++) {
          builder.setRepeatedField(descriptor, i, withoutUnknownFields((Message) values.get(i)));
        }
      } else {
        builder.setField(descriptor, withoutUnknownFields((Message) field.getValue()));
      }
    }
    return builder.build();
  }

  @FunctionalInterface
  interface IoCall<T> {
    T call() throws IOException;
  }

  private static <T> T call(IoCall<T> call, String what) {
    try {
      return call.call();
    } catch (IOException e) {
      throw new AssertionError(what + " failed: " + e, e);
    }
  }
}
