package dev.shuttle.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.shuttle.receiver.FuzzAccess;
import io.grpc.Status;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes OTLP protobuf decoding, the path of every OTLP/gRPC export and of OTLP/HTTP protobuf: the
 * gRPC receiver's request marshaller (protobuf {@code parseFrom} of the three {@code
 * Export*ServiceRequest} types, then {@code OtlpValidation.check}) on arbitrary bytes.
 *
 * <p>Properties: the marshaller never throws; it accepts exactly what {@code parseFrom} accepts and
 * whose ids follow the rules ({@link FuzzOracle#idProblem}, derived independently); a refusal is
 * {@code INVALID_ARGUMENT} or {@code RESOURCE_EXHAUSTED} with a clean description ({@link
 * FuzzOracle#assertCleanError}); {@code parseFrom} fails only with {@code
 * InvalidProtocolBufferException}; whatever is accepted satisfies {@link
 * FuzzOracle#assertAcceptedRequestIsSound}.
 *
 * <p>Seeds: the SDK's protobuf exports and hand-built requests ({@link Seeds}), and the files in
 * {@code OtlpProtobufFuzzTestInputs/decode} among the test resources.
 */
class OtlpProtobufFuzzTest {

  static Stream<Arguments> seeds() {
    return Seeds.protobuf().map(bytes -> Arguments.of(Named.of(label(bytes), bytes)));
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = "15s")
  void decode(byte[] body) {
    for (Message type : FuzzOracle.REQUEST_TYPES) {
      Parser<? extends Message> parser = type.getParserForType();
      FuzzAccess.GrpcDecoded decoded = FuzzAccess.grpcDecode(parser, body);
      Message parsed = parse(parser, body);
      String idProblem = parsed == null ? null : FuzzOracle.idProblem(parsed);
      if (decoded.failure() == null) {
        assertThat(parsed).as("accepted, so protobuf parses it").isNotNull();
        assertThat(idProblem).as("accepted, so its ids are valid").isNull();
        assertThat(decoded.message()).isEqualTo(parsed);
        FuzzOracle.assertAcceptedRequestIsSound(parsed);
      } else {
        Status status = decoded.failure();
        assertThat(status.getCode())
            .isIn(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
        FuzzOracle.assertCleanError(status.getDescription(), body);
        assertThat(parsed == null || idProblem != null)
            .as("refused (%s) although it parses and its ids are valid", status)
            .isTrue();
      }
    }
  }

  /** Parses the bytes, returning null on the documented failure and rethrowing anything else. */
  private static Message parse(Parser<? extends Message> parser, byte[] body) {
    try {
      return parser.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  private static String label(byte[] bytes) {
    return bytes.length
        + " bytes "
        + HexFormat.of().formatHex(bytes, 0, Math.min(12, bytes.length));
  }
}
