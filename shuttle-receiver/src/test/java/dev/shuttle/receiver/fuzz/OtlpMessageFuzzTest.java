package dev.shuttle.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.shuttle.receiver.FuzzAccess;
import dev.shuttle.receiver.OtlpJson;
import io.grpc.Status;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the whole path of a hostile export with structurally generated requests: Jazzer's protobuf
 * mutator builds arbitrary trace, metrics and logs requests (any strings, numbers, enum values,
 * nesting), which are sent as protobuf through the gRPC receiver's marshaller and as the receiver's
 * own OTLP/JSON through the JSON decoder, then stored, dumped and rendered.
 *
 * <p>Properties: both decoders accept a request exactly when its ids follow the rules ({@link
 * FuzzOracle#idProblem}) and then return it unchanged; a refusal carries a clean message; every
 * accepted request satisfies {@link FuzzOracle#assertAcceptedRequestIsSound}. Byte-level fuzzing
 * ({@link OtlpProtobufFuzzTest}, {@link OtlpJsonFuzzTest}) rarely builds deep valid messages; this
 * target starts from them. When {@code repairIds} is set, the ids are first made valid (padded or
 * cut to 16 and 8 bytes), so that the renderers and round trips see many accepted requests.
 */
class OtlpMessageFuzzTest {

  @FuzzTest(maxDuration = "15s")
  void export(
      @NotNull ExportTraceServiceRequest traces,
      @NotNull ExportMetricsServiceRequest metrics,
      @NotNull ExportLogsServiceRequest logs,
      boolean repairIds) {
    for (Message generated : List.of(traces, metrics, logs)) {
      Message request = repairIds ? repairIds(generated) : generated;
      byte[] wire = request.toByteArray();
      // what the receiver sees is what a sender's encoder wrote: Java strings holding lone
      // surrogates are written as '?', so compare against the message as it travels
      Message sent = reparse(request, wire);
      boolean valid = FuzzOracle.idProblem(sent) == null;

      FuzzAccess.GrpcDecoded overGrpc = FuzzAccess.grpcDecode(sent.getParserForType(), wire);
      if (valid) {
        assertThat(overGrpc.failure()).as("gRPC decoding of a valid request").isNull();
        assertThat(overGrpc.message()).isEqualTo(sent);
      } else {
        Status failure = overGrpc.failure();
        assertThat(failure).as("gRPC decoding of invalid ids").isNotNull();
        assertThat(failure.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        FuzzOracle.assertCleanError(failure.getDescription(), wire);
      }

      String json = OtlpJson.print(sent);
      Message.Builder fromJson = sent.newBuilderForType();
      try {
        OtlpJson.merge(json, fromJson);
        assertThat(valid).as("JSON decoding accepted invalid ids: %s", json).isTrue();
        assertThat(fromJson.build()).isEqualTo(sent);
      } catch (InvalidProtocolBufferException e) {
        assertThat(valid).as("JSON decoding refused a valid request: %s", e.getMessage()).isFalse();
        FuzzOracle.assertCleanError(e.getMessage(), json);
      }

      if (valid) {
        FuzzOracle.assertAcceptedRequestIsSound(sent);
      }
    }
  }

  private static Message reparse(Message request, byte[] wire) {
    try {
      return request.getParserForType().parseFrom(wire);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("protobuf cannot parse its own encoding", e);
    }
  }

  /** Returns the message with every id padded or cut to its length, and never all zeros. */
  static Message repairIds(Message message) {
    Message.Builder builder = message.toBuilder();
    boolean span = message instanceof Span;
    if (span || message instanceof Span.Link) {
      fit(builder, "trace_id", 16, true);
      fit(builder, "span_id", 8, true);
      if (span) {
        fit(builder, "parent_span_id", 8, false);
      }
    } else if (message instanceof LogRecord || message instanceof Exemplar) {
      fit(builder, "trace_id", 16, false);
      fit(builder, "span_id", 8, false);
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (descriptor.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (descriptor.isRepeated()) {
        List<?> values = (List<?>) field.getValue();
        for (int i = 0; i < values.size(); i++) {
          builder.setRepeatedField(descriptor, i, repairIds((Message) values.get(i)));
        }
      } else {
        builder.setField(descriptor, repairIds((Message) field.getValue()));
      }
    }
    return builder.build();
  }

  private static void fit(Message.Builder builder, String name, int bytes, boolean required) {
    FieldDescriptor field = builder.getDescriptorForType().findFieldByName(name);
    ByteString id = (ByteString) builder.getField(field);
    if (id.isEmpty() && !required) {
      return;
    }
    byte[] fitted = Arrays.copyOf(id.toByteArray(), bytes);
    fitted[bytes - 1] |= 1; // never all zeros
    builder.setField(field, ByteString.copyFrom(fitted));
  }
}
