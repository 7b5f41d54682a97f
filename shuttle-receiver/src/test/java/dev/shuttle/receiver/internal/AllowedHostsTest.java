package dev.shuttle.receiver.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which {@code Host} values a receiver answers, by bind address. */
class AllowedHostsTest {

  @ParameterizedTest
  @CsvSource({
    "localhost, true",
    "localhost:4318, true",
    "LocalHost:4318, true",
    "127.0.0.1, true",
    "127.0.0.1:1, true",
    "[::1], true",
    "[::1]:4318, true",
    "' 127.0.0.1:4318 ', true",
    "evil.example, false",
    "evil.example:4318, false",
    "localhost.evil.example, false",
    "127.0.0.1.nip.io, false",
    "127.0.0.2, false",
    "::1, false",
    "[::1, false",
    "[::1]x, false",
    "localhost:, false",
    "localhost:4318:1, false",
    "localhost:1234567, false",
    "localhost:12a, false",
    "'', false"
  })
  void onLoopbackOnlyLoopbackNamesAreAllowed(String host, boolean allowed) throws Exception {
    AllowedHosts hosts = AllowedHosts.forBindAddress("127.0.0.1", resolve("127.0.0.1"));

    assertThat(hosts.anyHost()).isFalse();
    assertThat(hosts.allows(host)).isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.2, 127.0.0.2:4318, true",
    "::1, '[::1]:4318', true",
    "::1, '[0:0:0:0:0:0:0:1]', true",
    "localhost, localhost, true",
    "localhost, evil.example, false"
  })
  void theConfiguredLoopbackAddressIsAllowedToo(String bind, String host, boolean allowed)
      throws Exception {
    AllowedHosts hosts = AllowedHosts.forBindAddress(bind, resolve(bind));

    assertThat(hosts.allows(host)).isEqualTo(allowed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "::"})
  void boundElsewhereEveryHostIsAllowed(String bind) throws Exception {
    AllowedHosts hosts = AllowedHosts.forBindAddress(bind, resolve(bind));

    assertThat(hosts.anyHost()).isTrue();
    assertThat(hosts.allows("evil.example")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "0.0.0.0"})
  void aRequestWithoutHostIsAllowed(String bind) throws Exception {
    AllowedHosts hosts = AllowedHosts.forBindAddress(bind, resolve(bind));

    assertThat(hosts.allows(null)).isTrue();
  }

  /** The address a receiver would bind: the first one the name resolves to, as OtlpReceiver. */
  private static InetAddress resolve(String name) throws Exception {
    return InetAddress.getAllByName(name)[0];
  }
}
