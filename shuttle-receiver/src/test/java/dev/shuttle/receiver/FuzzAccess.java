package dev.shuttle.receiver;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.shuttle.receiver.internal.Excerpt;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Opens the receiver's package-private decoding entry points to the fuzz tests in {@code
 * dev.shuttle.receiver.fuzz}; test code only, each method a one-line delegation.
 */
public final class FuzzAccess {
  private FuzzAccess() {}

  /**
   * What the OTLP/gRPC request marshaller made of a message's bytes.
   *
   * @param message the request, if it decoded and passed validation
   * @param failure the status the service answers otherwise
   */
  public record GrpcDecoded(@Nullable Message message, @Nullable Status failure) {}

  /** Checks an export request's ids, as {@link OtlpValidation#check} does. */
  public static void checkIds(Message request) throws InvalidProtocolBufferException {
    OtlpValidation.check(request);
  }

  /** A decode budget that never runs out, so that fuzzing sees decoding alone. */
  private static final DecodeBudget UNLIMITED = new DecodeBudget(Long.MAX_VALUE / 2);

  /** Decodes a gRPC request body exactly as {@link GrpcReceiver}'s marshaller does. */
  public static <Q extends Message> GrpcDecoded grpcDecode(Parser<Q> parser, byte[] body) {
    GrpcReceiver.Decoded<Q> decoded =
        new GrpcReceiver.DecodingMarshaller<>(parser, UNLIMITED)
            .parse(new ByteArrayInputStream(body));
    return new GrpcDecoded(decoded.message(), decoded.failure());
  }

  /** Returns {@link Excerpt#of(String)}. */
  public static String excerpt(String text) {
    return Excerpt.of(text);
  }

  /** Returns {@link Excerpt#of(String, int)}. */
  public static String excerpt(String text, int maxCodePoints) {
    return Excerpt.of(text, maxCodePoints);
  }

  /** Returns {@link Excerpt#MAX_CODE_POINTS}. */
  public static int excerptCodePoints() {
    return Excerpt.MAX_CODE_POINTS;
  }
}
