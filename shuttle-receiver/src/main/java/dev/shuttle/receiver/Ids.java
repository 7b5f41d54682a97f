package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import dev.shuttle.receiver.internal.Excerpt;
import java.util.HexFormat;

/** Hex encoding of trace and span ids, as OTLP/JSON writes them. Stateless and thread-safe. */
final class Ids {
  private static final HexFormat HEX = HexFormat.of();

  private Ids() {}

  static String hex(ByteString id) {
    return HEX.formatHex(id.toByteArray());
  }

  /**
   * Parses a hex id, in either case.
   *
   * @throws IllegalArgumentException if the text is not an even-length hex string; the message
   *     quotes the text only as a short escaped excerpt
   */
  static ByteString fromHex(String hex) {
    for (int i = 0; i < hex.length(); i++) {
      if (!HexFormat.isHexDigit(hex.charAt(i))) {
        throw new IllegalArgumentException("id " + Excerpt.quoted(hex) + " is not hex");
      }
    }
    if (hex.length() % 2 != 0) {
      throw new IllegalArgumentException(
          "id " + Excerpt.quoted(hex) + " has an odd number of hex digits");
    }
    return ByteString.copyFrom(HEX.parseHex(hex));
  }
}
