package dev.shuttle.receiver.internal;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The {@code Host} header values a receiver answers, against DNS rebinding: a web page on {@code
 * evil.example} whose name is re-pointed at 127.0.0.1 can make a browser post to a loopback
 * receiver, but the browser then sends {@code Host: evil.example}.
 *
 * <p>On a loopback bind address only {@code localhost}, {@code 127.0.0.1}, {@code [::1]} and the
 * bind address itself are accepted, with any port or none; a request without {@code Host}
 * (HTTP/1.0) is accepted, since browsers always send one. On any other bind address every host is
 * accepted: the receiver is then reachable by name from elsewhere, and the network is the boundary.
 *
 * <p>Shared by the receiver and the web viewer (internal).
 *
 * <p>Thread-safety: immutable and safe to share.
 */
public final class AllowedHosts {
  private final @Nullable Set<String> names;

  private AllowedHosts(@Nullable Set<String> names) {
    this.names = names;
  }

  /**
   * Returns the hosts allowed for a server bound to {@code address}, configured as {@code
   * configured}.
   *
   * @param configured the bind address as configured (a name or an IP literal)
   * @param address what it resolved to
   * @return the allowed hosts
   */
  public static AllowedHosts forBindAddress(String configured, InetAddress address) {
    Objects.requireNonNull(configured, "configured");
    Objects.requireNonNull(address, "address");
    if (!address.isLoopbackAddress()) {
      return new AllowedHosts(null);
    }
    Set<String> names = new TreeSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
    names.add(normalise(configured));
    names.add(normalise(address.getHostAddress()));
    return new AllowedHosts(Set.copyOf(names));
  }

  /** Returns whether every host is accepted (a non-loopback bind address). */
  public boolean anyHost() {
    return names == null;
  }

  /**
   * Returns whether a request with this {@code Host} header may be answered.
   *
   * @param host the header's value, or null if the request had none
   * @return true if allowed
   */
  public boolean allows(@Nullable String host) {
    if (names == null || host == null) {
      return true;
    }
    String value = host.trim().toLowerCase(Locale.ROOT);
    String name;
    String port;
    if (value.startsWith("[")) {
      int end = value.indexOf(']');
      if (end < 0) {
        return false;
      }
      name = value.substring(0, end + 1);
      port = value.substring(end + 1);
    } else {
      int colon = value.indexOf(':');
      if (colon >= 0 && value.indexOf(':', colon + 1) >= 0) {
        return false; // an unbracketed IPv6 literal is not a valid Host
      }
      name = colon < 0 ? value : value.substring(0, colon);
      port = colon < 0 ? "" : value.substring(colon);
    }
    return names.contains(name) && validPort(port);
  }

  private static boolean validPort(String port) {
    if (port.isEmpty()) {
      return true;
    }
    if (port.charAt(0) != ':' || port.length() < 2 || port.length() > 6) {
      return false;
    }
    for (int i = 1; i < port.length(); i++) {
      if (port.charAt(i) < '0' || port.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Lower case, IPv6 literals in brackets, as they appear in a {@code Host} header. */
  private static String normalise(String host) {
    String lower = host.trim().toLowerCase(Locale.ROOT);
    if (lower.contains(":") && !lower.startsWith("[")) {
      return "[" + lower + "]";
    }
    return lower;
  }

  @Override
  public String toString() {
    return names == null ? "AllowedHosts{any}" : "AllowedHosts" + names;
  }
}
