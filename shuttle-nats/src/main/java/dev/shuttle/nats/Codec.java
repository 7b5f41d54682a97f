package dev.shuttle.nats;

import com.google.gson.Gson;
import java.util.Objects;

/**
 * Turns the values of a {@link NatsChannel} or the jobs and results of a {@link NatsWorkerPool}
 * into message bodies and back. Implement it for your own format, or use {@link #json} for records
 * and {@link #utf8()} for strings.
 *
 * {@snippet :
 * record Order(String id, int quantity) {}
 * Codec<Order> orders = Codec.json(Order.class);
 * }
 *
 * <p>Implementations must be thread-safe: one codec serves every sender and receiver of a channel.
 *
 * @param <T> the type of the values; never {@code null}
 */
public interface Codec<T> {
  /**
   * Returns the bytes of {@code value}.
   *
   * @param value the value to send
   * @return the message body
   * @throws RuntimeException if the value cannot be encoded; the send fails with it and nothing is
   *     published
   */
  byte[] encode(T value);

  /**
   * Returns the value whose bytes these are.
   *
   * @param bytes a message body, as received
   * @return the value; never {@code null}
   * @throws RuntimeException if the bytes are not a value of this codec (a "poison" message): a
   *     channel drops the message and records it on the receive span, a pool moves it to its
   *     dead-letter subject
   */
  T decode(byte[] bytes);

  /**
   * Returns a codec of strings as UTF-8 bytes.
   *
   * @return the shared UTF-8 codec
   */
  static Codec<String> utf8() {
    return Utf8Codec.INSTANCE;
  }

  /**
   * Returns a codec of {@code type} as JSON, with Gson's defaults (records, enums, collections,
   * nested objects). A body that is not JSON of the type, or that decodes to {@code null}, fails
   * {@link #decode} with an {@link IllegalArgumentException} naming the type. In a named module,
   * open the package of {@code type} to {@code com.google.gson} ({@code opens my.orders to
   * com.google.gson;}), as Gson needs for reflection.
   *
   * @param <T> the type of the values
   * @param type the class that bodies are written from and read into
   * @return a new JSON codec
   */
  static <T> Codec<T> json(Class<T> type) {
    return json(type, new Gson());
  }

  /**
   * Returns a codec of {@code type} as JSON, written and read by the given {@code gson}.
   *
   * @param <T> the type of the values
   * @param type the class that bodies are written from and read into
   * @param gson the Gson instance that writes and reads the bodies, with your type adapters
   * @return a new JSON codec
   */
  static <T> Codec<T> json(Class<T> type, Gson gson) {
    return new JsonCodec<>(
        Objects.requireNonNull(type, "type"), Objects.requireNonNull(gson, "gson"));
  }
}
