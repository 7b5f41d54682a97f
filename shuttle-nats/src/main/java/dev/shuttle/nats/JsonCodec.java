package dev.shuttle.nats;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.nio.charset.StandardCharsets;

/** {@link Codec#json}: Gson, UTF-8. Thread-safe, as Gson is. */
final class JsonCodec<T> implements Codec<T> {
  private final Class<T> type;
  private final Gson gson;

  JsonCodec(Class<T> type, Gson gson) {
    this.type = type;
    this.gson = gson;
  }

  @Override
  public byte[] encode(T value) {
    return gson.toJson(value, type).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public T decode(byte[] bytes) {
    T value;
    try {
      value = gson.fromJson(Utf8Codec.INSTANCE.decode(bytes), type);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(
          "the message body is not JSON of " + type.getName() + ": " + e.getMessage(), e);
    }
    if (value == null) {
      throw new IllegalArgumentException("the message body is empty JSON, not a " + type.getName());
    }
    return value;
  }

  @Override
  public String toString() {
    return "Codec.json(" + type.getName() + ")";
  }
}
